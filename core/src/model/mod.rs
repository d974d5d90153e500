//! Domain records. Each record is stored sealed and hashed in its canonical JSON form
//! (see [`crate::canonical`]); records are never edited in place.

pub mod assessment;
pub mod case;
pub mod evidence;
pub mod order;
pub mod person;
pub mod prevention;
pub mod statement;
pub mod time;

pub use assessment::*;
pub use case::*;
pub use evidence::*;
pub use order::*;
pub use person::*;
pub use prevention::*;
pub use statement::*;
pub use time::*;
