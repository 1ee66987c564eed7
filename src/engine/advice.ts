/** A cost lever the data supports, with the numbers that triggered it (each provider has its own rules). */
export interface Advice {
  lever: string;
  title: string;
  detail: string;
}
