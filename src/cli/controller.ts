// `kjob controller status|start|stop|run`: manage the engine of a state directory.
import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { engineProcess, readLockPid, sendToEngine, spawnEngine } from '../engine/daemon.js';
import { stopCommandServers } from './command_server.js';
import { runEngine } from '../engine/main.js';
import { hasPendingWork } from '../engine/work.js';
import { Cgroups } from '../kubelet/cgroups.js';
import { probeSandbox } from '../kubelet/sandbox.js';
import { nodeStatus, nodeStatusLines, type NodeStatus } from '../kubelet/node_status.js';
import { PodNetwork } from '../kubelet/network.js';
import type { Context } from './context.js';
import type { IO } from './io.js';

export async function controller(ctx: Context, action: string | undefined, io: IO): Promise<number> {
  ctx.requireLocal('controller');
  switch (action) {
    case 'status': {
      const pid = readLockPid(ctx.home);
      const answering = pid !== undefined && (await sendToEngine(ctx.home, 'ping', 1000)) === 'pong';
      let node: NodeStatus | undefined;
      if (answering) {
        io.out(`engine: running (pid ${pid}) for ${ctx.home}\n`);
        // What the engine found when it probed (an engine from before this question says nothing).
        try { node = JSON.parse((await sendToEngine(ctx.home, 'node', 5000)) ?? ''); } catch { /* probe here */ }
      } else {
        // A status query does not create a state directory that is not there.
        const pending = fs.existsSync(path.join(ctx.home, 'state.db')) && hasPendingWork(ctx.store);
        io.out(`engine: not running for ${ctx.home}${pending ? ' (work is pending: any kjob command starts it)' : ''}\n`);
      }
      // Without an engine, what one started now would find (nothing is written to find it).
      node ??= nodeStatus(probeSandbox(undefined, { home: ctx.home }), Cgroups.inspect(), new PodNetwork(ctx.home).expected());
      for (const line of nodeStatusLines(node)) io.out(line + '\n');
      return 0;
    }
    case 'start': {
      // Asked until an engine stays: one a command started (still starting, or running) is told
      // to stay; one exiting as idle is let go first, then ours starts.
      let started = false;
      const end = Date.now() + 10_000;
      while ((await sendToEngine(ctx.home, 'stay', 1000)) !== 'ok') {
        if (Date.now() > end) throw new UserError(`error: the engine did not start; see ${ctx.home}/engine.log`);
        if (!started && readLockPid(ctx.home) === undefined) {
          ctx.store; // create the state file before the engine opens it
          started = spawnEngine(ctx.home, { exitWhenIdle: false });
        }
        await sleep(50);
      }
      io.out(`engine: running (pid ${readLockPid(ctx.home)}) for ${ctx.home}\n`);
      return 0;
    }
    case 'stop': {
      // The state directory's command servers too (command_server.ts), those still starting
      // included: kjob leaves nothing running but a server still running a command, which leaves
      // when that command ends.
      await stopCommandServers(ctx.home);
      let pid = readLockPid(ctx.home);
      // One started by hand (`controller run`) a moment ago may not hold its lock yet: it is waited
      // for, then stopped. One spawnEngine started holds it from the start.
      const starting = Date.now() + 5000;
      while (pid === undefined && engineProcess(ctx.home) !== undefined && Date.now() < starting) {
        await sleep(20);
        pid = readLockPid(ctx.home);
      }
      if (pid === undefined) {
        io.out(`engine: not running for ${ctx.home}\n`);
        return 0;
      }
      // An engine that has its lock but is still starting does not answer yet: asked again until it does.
      let asked = (await sendToEngine(ctx.home, 'stop')) !== undefined;
      const end = Date.now() + 10_000;
      while (readLockPid(ctx.home) !== undefined && Date.now() < end) {
        await sleep(50);
        if (!asked) asked = (await sendToEngine(ctx.home, 'stop', 500)) !== undefined;
      }
      if (readLockPid(ctx.home) !== undefined) throw new UserError(`error: the engine (pid ${pid}) did not stop`);
      // And its process gone: an engine that has let go of its lock still writes its code cache
      // (bin/kjob keepEngineCache) before it exits.
      const exited = Date.now() + 5000;
      while (engineProcess(ctx.home) !== undefined && Date.now() < exited) await sleep(10);
      io.out(`engine: stopped (pods keep running; any kjob command restarts the engine)\n`);
      return 0;
    }
    case 'run':
      ctx.close();
      return runEngine(ctx.home, io.err);
    default:
      throw new UserError(`error: unknown controller action "${action ?? ''}": use status, start, stop or run`);
  }
}
