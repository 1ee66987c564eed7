#!/usr/bin/env node
import{b as o}from"./chunks/chunk-MZZMHFU7.js";import"./chunks/chunk-XBJKSIMP.js";o({jitless:!0});var{runCli:t}=await import("./chunks/cli-SP2GWWY5.js"),r=new AbortController;for(let s of["SIGINT","SIGTERM"])process.once(s,()=>r.abort());process.exitCode=await t(process.argv.slice(2),{stdout:s=>process.stdout.write(s),stderr:s=>process.stderr.write(s),env:process.env,isTTY:process.stdout.isTTY===!0,signal:r.signal});
//# sourceMappingURL=index.js.map
