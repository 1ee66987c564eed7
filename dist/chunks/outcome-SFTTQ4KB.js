import{a}from"./chunk-YSVBCBI6.js";import"./chunk-NKKAZ43I.js";export{a as outcomeOf};
//# sourceMappingURL=outcome-SFTTQ4KB.js.map
