//! The quarterly management board report: figures, the PDF, `figures.csv`,
//! `figures.json` and a board pack zip with a manifest of SHA-256 sums.

pub mod audit;
pub mod disclosure;
pub mod figure;
pub mod figures;
pub mod national;
mod pack;
pub mod period;
pub mod plan_indicators;
pub mod quarter;

pub use figure::{Figure, Measure};
pub use figures::compute;
pub use pack::{BoardOutputs, BoardRequest, build_board, figures_csv, figures_json, spreadsheet_safe};
pub use period::{BoardInput, PsrRecord};
pub use quarter::Quarter;
