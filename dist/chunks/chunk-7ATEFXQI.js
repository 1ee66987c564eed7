var t="0.1.0",o="batch-cost-gate";export{t as a,o as b};
//# sourceMappingURL=chunk-7ATEFXQI.js.map
