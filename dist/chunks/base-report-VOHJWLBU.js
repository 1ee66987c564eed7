import{a,b,c,d,e,f,g}from"./chunk-REIYSFWL.js";import"./chunk-FU5X3ENY.js";import"./chunk-DPFQMCBQ.js";import"./chunk-TIU3G7CV.js";import"./chunk-T3OEISVO.js";import"./chunk-FB5IOQ5D.js";export{b as MAX_REPORTS_PER_RUN,a as MAX_REPORT_BYTES,g as findBaseReport,c as isReportArtifactName,f as parseReport,d as readRunReport,e as readRunReports};
//# sourceMappingURL=base-report-VOHJWLBU.js.map
