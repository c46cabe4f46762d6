import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveConnection } from './kubeconfig.js';

function kubeconfig(text: string): { file: string; done: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kjob-kubeconfig-'));
  const file = path.join(dir, 'config');
  fs.writeFileSync(file, text);
  return { file, done: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

const TWO = `apiVersion: v1
kind: Config
clusters:
  - name: a
    cluster: {server: https://a.example:6443, insecure-skip-tls-verify: true}
  - name: b
    cluster: {server: https://b.example:6443, tls-server-name: b.internal}
users:
  - name: alice
    user: {token: alice-token}
  - name: bob
    user: {username: bob, password: secret, as: carol, as-groups: [g1, g2]}
contexts:
  - name: ctx-a
    context: {cluster: a, user: alice, namespace: team}
current-context: ctx-a
`;

test("kubectl's global flags override the kubeconfig as clientcmd's ConfigOverrides do", () => {
  const k = kubeconfig(TWO);
  try {
    const plain = resolveConnection([k.file], {});
    assert.deepEqual(
      { server: plain.server, namespace: plain.namespace, context: plain.context, token: plain.token, insecure: plain.insecureSkipTLSVerify, files: plain.loadedFiles },
      { server: 'https://a.example:6443', namespace: 'team', context: 'ctx-a', token: 'alice-token', insecure: true, files: [k.file] },
    );
    // --cluster and --user replace the context's; the context's namespace stays.
    const other = resolveConnection([k.file], { cluster: 'b', user: 'bob' });
    assert.deepEqual(
      { server: other.server, namespace: other.namespace, token: other.token, username: other.username, password: other.password, as: other.impersonate, sni: other.tlsServerName, insecure: other.insecureSkipTLSVerify },
      { server: 'https://b.example:6443', namespace: 'team', token: undefined, username: 'bob', password: 'secret', as: { user: 'carol', groups: ['g1', 'g2'], uid: undefined }, sni: 'b.internal', insecure: false },
    );
    // Each flag over the kubeconfig's value: the server, the token, TLS, impersonation. A false
    // --insecure-skip-tls-verify alone leaves the kubeconfig's true (mergo keeps what is unset).
    const flags = resolveConnection([k.file], { server: 'https://c.example', token: 't', insecureSkipTLSVerify: false, tlsServerName: 'c.internal', as: 'dave', asGroups: ['g3'], asUid: '42', namespace: 'ns' });
    assert.deepEqual(
      { server: flags.server, token: flags.token, insecure: flags.insecureSkipTLSVerify, sni: flags.tlsServerName, as: flags.impersonate, namespace: flags.namespace },
      { server: 'https://c.example', token: 't', insecure: true, sni: 'c.internal', as: { user: 'dave', groups: ['g3'], uid: '42' }, namespace: 'ns' },
    );
    // --certificate-authority replaces the kubeconfig's TLS choice: the certificate is checked.
    const pinned = resolveConnection([k.file], { certificateAuthority: k.file });
    assert.deepEqual([pinned.insecureSkipTLSVerify, pinned.ca?.toString()], [false, TWO]);
    // A server reached without TLS gets no credentials and no identity to act as (clientcmd's IsConfigTransportTLS).
    const clear = resolveConnection([k.file], { server: 'http://c.example', as: 'dave' });
    assert.deepEqual([clear.token, clear.impersonate, clear.username], [undefined, undefined, undefined]);
  } finally {
    k.done();
  }
});

test("a cluster named only by flags, and kubectl's errors for what the kubeconfig does not have", () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'kjob-home-'));
  const realHome = process.env.HOME;
  process.env.HOME = home;
  const k = kubeconfig(TWO);
  try {
    // No kubeconfig at all (~/.kube/config missing): the flags alone; a server without a scheme is
    // http, TLS flags or not (DefaultServerURL runs before clientcmd merges them).
    assert.equal(resolveConnection(undefined, { server: '127.0.0.1:6443', token: 't' }).server, 'http://127.0.0.1:6443');
    assert.equal(resolveConnection(undefined, { server: '127.0.0.1:6443', insecureSkipTLSVerify: true }).server, 'http://127.0.0.1:6443');
    assert.deepEqual(resolveConnection(undefined, { server: 'https://x/' }).loadedFiles, []);
    // As kubectl v1.32 words them (run against kjob serve with such a kubeconfig and such flags).
    assert.throws(() => resolveConnection(undefined, { context: 'foo' }), { message: 'Error in configuration: context was not found for specified context: foo' });
    assert.throws(() => resolveConnection([k.file], { context: 'foo' }), { message: 'Error in configuration: context was not found for specified context: foo' });
    assert.throws(() => resolveConnection([k.file], { cluster: 'foo' }), { message: 'error: no server found for cluster "foo"' });
    assert.throws(() => resolveConnection([k.file], { user: 'foo' }), { message: 'error: auth info "foo" does not exist' });
    const nope = path.join(home, 'nope.crt');
    assert.throws(() => resolveConnection([k.file], { certificateAuthority: nope }), { message: `error: unable to read certificate-authority ${nope} for a due to open ${nope}: no such file or directory` });
    assert.throws(() => resolveConnection([k.file], { certificateAuthority: home }), { message: `error: read ${home}: is a directory` });
    assert.throws(() => resolveConnection([k.file], { clientCertificate: k.file }), { message: 'error: client-key-data or client-key must be specified for alice to use the clientCert authentication method.' });
    assert.equal(resolveConnection([k.file], { clientKey: nope }).key, undefined, 'a key without a certificate is not read');
    assert.throws(() => resolveConnection([k.file], { username: 'u', password: 'p' }), { message: 'error: more than one authentication method found for alice; found [token basicAuth], only one is allowed' });
    assert.throws(() => resolveConnection([k.file], { asGroups: ['g'] }), { message: 'error: requesting uid, groups or user-extra for alice without impersonating a user' });
    assert.throws(() => resolveConnection(undefined, { server: 'https://x', asUid: '5' }), { message: 'error: requesting uid, groups or user-extra for  without impersonating a user' });
  } finally {
    process.env.HOME = realHome;
    fs.rmSync(home, { recursive: true, force: true });
    k.done();
  }
});
