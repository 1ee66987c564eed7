function t(l){return l==="pull_request"||l==="pull_request_target"}export{t as a};
//# sourceMappingURL=chunk-P2RQY2K5.js.map
