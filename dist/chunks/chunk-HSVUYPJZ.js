import{c as o}from"./chunk-NKKAZ43I.js";var s=o((t,e)=>{e.exports=process.getBuiltinModule("node:os")});export{s as a};
//# sourceMappingURL=chunk-HSVUYPJZ.js.map
