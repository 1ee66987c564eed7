#!/usr/bin/env node
import{b as o}from"./chunks/chunk-OWRRWP5W.js";import"./chunks/chunk-KVMUXFPB.js";o({jitless:!0});var{runCli:t}=await import("./chunks/cli-QO5JRVIN.js"),r=new AbortController;for(let s of["SIGINT","SIGTERM"])process.once(s,()=>r.abort());process.exitCode=await t(process.argv.slice(2),{stdout:s=>process.stdout.write(s),stderr:s=>process.stderr.write(s),env:process.env,isTTY:process.stdout.isTTY===!0,signal:r.signal});
//# sourceMappingURL=index.js.map
