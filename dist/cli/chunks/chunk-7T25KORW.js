import{b as o}from"./chunk-XBJKSIMP.js";var s=o((t,e)=>{e.exports=process.getBuiltinModule("node:fs")});export{s as a};
//# sourceMappingURL=chunk-7T25KORW.js.map
