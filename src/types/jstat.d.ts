// jstat ships no types; this declares the one function the projection uses.
declare module 'jstat' {
  const jstat: {
    jStat: {
      studentt: {
        /** Quantile (inverse CDF) of Student's t distribution. */
        inv(p: number, dof: number): number;
      };
    };
  };
  export default jstat;
}
