import{c as o}from"./chunk-NKKAZ43I.js";var s=o((p,e)=>{e.exports=process.getBuiltinModule("node:process")});export{s as a};
//# sourceMappingURL=chunk-S6ULANWM.js.map
