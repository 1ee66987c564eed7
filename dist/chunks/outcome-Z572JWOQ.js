import{a}from"./chunk-WCCEUNOA.js";import"./chunk-CQXQ5MFA.js";import"./chunk-FB5IOQ5D.js";export{a as outcomeOf};
//# sourceMappingURL=outcome-Z572JWOQ.js.map
