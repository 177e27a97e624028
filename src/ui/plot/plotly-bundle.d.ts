// The cartesian partial bundle exposes the same API as full plotly.js (scatter, bar, histogram, heatmap…),
// at 1.5 MB instead of 4.6 MB.
declare module 'plotly.js-cartesian-dist-min' {
  import * as Plotly from 'plotly.js';
  export = Plotly;
}
