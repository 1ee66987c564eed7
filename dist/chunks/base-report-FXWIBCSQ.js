import{a,b,c,d,e,f,g}from"./chunk-476GFZ2L.js";import"./chunk-FU5X3ENY.js";import"./chunk-7HFO6EKL.js";import"./chunk-T3OEISVO.js";import"./chunk-XHT6MRHG.js";import"./chunk-NKKAZ43I.js";export{b as MAX_REPORTS_PER_RUN,a as MAX_REPORT_BYTES,g as findBaseReport,c as isReportArtifactName,f as parseReport,d as readRunReport,e as readRunReports};
//# sourceMappingURL=base-report-FXWIBCSQ.js.map
