#!/usr/bin/env bash
# How kubectl.json was captured: the real kubectl v1.32.4 rendering each template of cases.txt
# (one a line) with `-o go-template=...`, for `get job echo` (the object in echo.json) and for
# `get jobs` (the List in jobs.json), against `kjob serve` (the lead's branch) serving a state
# directory where fixtures/job-echo.yaml, job-para-demo.yaml and a CronJob `hello` had run.
# echo.json and jobs.json are `kjob get job echo -o json` / `kjob get jobs -o json` of that state.
#   KUBECONFIG=<serve's kubeconfig> bash capture.sh
set -eu
cd "$(dirname "$0")"
node -e '
const fs=require("fs");const {spawnSync}=require("child_process");
const cases=fs.readFileSync("cases.txt","utf8").split("\n").filter(Boolean);
const out=[];
for(const c of cases){for(const [obj,args] of [["echo.json",["get","job","echo"]],["jobs.json",["get","jobs"]]]){
 const r=spawnSync("kubectl",[...args,"-o","go-template="+c],{encoding:"utf8"});
 out.push({object:obj,template:c,stdout:r.stdout,stderr:r.stderr,code:r.status});}}
fs.writeFileSync("kubectl.json",JSON.stringify(out,null,1));'
