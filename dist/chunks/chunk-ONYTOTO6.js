import{c as o}from"./chunk-NKKAZ43I.js";var s=o((t,e)=>{e.exports=process.getBuiltinModule("node:stream")});export{s as a};
//# sourceMappingURL=chunk-ONYTOTO6.js.map
