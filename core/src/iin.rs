//! Kazakhstan individual identification number (IIN / ЖСН / ИИН).
//!
//! 12 digits: YYMMDD birth date; digit 7 encodes century and sex (1/2 → 1800s, 3/4 → 1900s,
//! 5/6 → 2000s; odd male, even female); digits 8–11 a serial; digit 12 a check digit:
//! Σ dᵢ·i (i = 1..11) mod 11; if that is 10, recompute with weights 3,4,5,6,7,8,9,10,11,1,2;
//! if 10 again the number is not valid. (Source: ../shared/notes/domain.md, matching the public
//! implementations valery1707/kaz-person-id and ZhymabekRoman/kz-iin-validator.)

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Sex as encoded in digit 7 of the IIN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Male,
    Female,
}

/// A validated IIN. Construct with [`Iin::parse`]; the digits are only reachable through
/// [`Iin::as_str`] so that they are never printed by accident (`Debug` hides them).
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Iin(String);

impl std::fmt::Debug for Iin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Iin(***)")
    }
}

impl TryFrom<String> for Iin {
    type Error = Error;
    fn try_from(s: String) -> Result<Self> {
        Iin::parse(&s)
    }
}

impl From<Iin> for String {
    fn from(i: Iin) -> String {
        i.0
    }
}

const WEIGHTS_1: [u32; 11] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const WEIGHTS_2: [u32; 11] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];

/// Computes the check digit of the first 11 digits, or `None` when the number cannot be valid.
pub fn check_digit(first11: &[u32; 11]) -> Option<u32> {
    let sum = |w: &[u32; 11]| first11.iter().zip(w).map(|(d, w)| d * w).sum::<u32>() % 11;
    match sum(&WEIGHTS_1) {
        10 => match sum(&WEIGHTS_2) {
            10 => None,
            c => Some(c),
        },
        c => Some(c),
    }
}

/// Why an IIN was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IinProblem {
    /// Not exactly 12 digits.
    WrongLength,
    /// Digit 7 (century and sex) is not 1 to 6.
    BadCenturyDigit,
    /// The embedded birth date does not exist.
    NoSuchBirthDate,
    /// No check digit exists for the first 11 digits (both weightings give 10).
    NoValidCheckDigit,
    /// The check digit does not match: a typing error.
    CheckDigitMismatch,
}

impl std::fmt::Display for IinProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            IinProblem::WrongLength => "an IIN has exactly 12 digits",
            IinProblem::BadCenturyDigit => "digit 7 (century and sex) must be 1 to 6",
            IinProblem::NoSuchBirthDate => "the embedded birth date does not exist",
            IinProblem::NoValidCheckDigit => "no valid check digit exists for these digits",
            IinProblem::CheckDigitMismatch => "check digit does not match",
        })
    }
}

impl Iin {
    /// Validates an IIN: 12 ASCII digits (spaces are not accepted), a real birth date with a
    /// century/sex digit of 1–6, and a matching check digit.
    pub fn parse(s: &str) -> Result<Iin> {
        let s = s.trim();
        if s.len() != 12 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Error::InvalidIin {
                problem: IinProblem::WrongLength,
            });
        }
        let d: Vec<u32> = s.bytes().map(|b| u32::from(b - b'0')).collect();
        let century = match d[6] {
            1 | 2 => 1800,
            3 | 4 => 1900,
            5 | 6 => 2000,
            _ => {
                return Err(Error::InvalidIin {
                    problem: IinProblem::BadCenturyDigit,
                })
            }
        };
        let year = century + (d[0] * 10 + d[1]) as i32;
        let month = d[2] * 10 + d[3];
        let day = d[4] * 10 + d[5];
        if NaiveDate::from_ymd_opt(year, month, day).is_none() {
            return Err(Error::InvalidIin {
                problem: IinProblem::NoSuchBirthDate,
            });
        }
        let first11: [u32; 11] = d[..11].try_into().expect("12 digits checked above");
        match check_digit(&first11) {
            None => Err(Error::InvalidIin {
                problem: IinProblem::NoValidCheckDigit,
            }),
            Some(c) if c != d[11] => Err(Error::InvalidIin {
                problem: IinProblem::CheckDigitMismatch,
            }),
            Some(_) => Ok(Iin(s.to_string())),
        }
    }

    /// The 12 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The birth date embedded in the IIN.
    pub fn birth_date(&self) -> NaiveDate {
        let d = self.0.as_bytes();
        let n = |i: usize| u32::from(d[i] - b'0');
        let century = match n(6) {
            1 | 2 => 1800,
            3 | 4 => 1900,
            _ => 2000,
        };
        NaiveDate::from_ymd_opt(
            century + (n(0) * 10 + n(1)) as i32,
            n(2) * 10 + n(3),
            n(4) * 10 + n(5),
        )
        .expect("validated in parse")
    }

    /// The sex embedded in the IIN.
    pub fn sex(&self) -> Sex {
        if (self.0.as_bytes()[6] - b'0') % 2 == 1 {
            Sex::Male
        } else {
            Sex::Female
        }
    }
}

/// Builds a valid synthetic IIN for a birth date, sex and serial (for fixtures and tests; the
/// serial is taken modulo 10 000). Returns `None` for the few serials that have no check digit.
pub fn synthesize(birth: NaiveDate, sex: Sex, serial: u32) -> Option<Iin> {
    use chrono::Datelike;
    let y = birth.year();
    let c = match (y / 100, sex) {
        (18, Sex::Male) => 1,
        (18, Sex::Female) => 2,
        (19, Sex::Male) => 3,
        (19, Sex::Female) => 4,
        (20, Sex::Male) => 5,
        (20, Sex::Female) => 6,
        _ => return None,
    };
    let s = format!(
        "{:02}{:02}{:02}{}{:04}",
        y % 100,
        birth.month(),
        birth.day(),
        c,
        serial % 10_000
    );
    let d: Vec<u32> = s.bytes().map(|b| u32::from(b - b'0')).collect();
    let check = check_digit(&d[..11].try_into().ok()?)?;
    Iin::parse(&format!("{s}{check}")).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_a_valid_number_and_reads_date_and_sex() {
        // 950101 4 0123 ? : a synthetic woman born 1 January 1995.
        let iin = synthesize(
            NaiveDate::from_ymd_opt(1995, 1, 1).unwrap(),
            Sex::Female,
            123,
        )
        .unwrap();
        assert_eq!(&iin.as_str()[..11], "95010140123");
        assert_eq!(
            iin.birth_date(),
            NaiveDate::from_ymd_opt(1995, 1, 1).unwrap()
        );
        assert_eq!(iin.sex(), Sex::Female);
        assert_eq!(Iin::parse(iin.as_str()).unwrap(), iin);
    }

    #[test]
    fn check_digit_worked_example() {
        // 8 6 0 4 1 5 3 0 0 1 2 → Σ d·i = 8+12+0+16+5+30+21+0+0+10+22 = 124; 124 mod 11 = 3.
        assert_eq!(check_digit(&[8, 6, 0, 4, 1, 5, 3, 0, 0, 1, 2]), Some(3));
        assert!(Iin::parse("860415300123").is_ok());
        assert!(matches!(
            Iin::parse("860415300124"),
            Err(Error::InvalidIin {
                problem: IinProblem::CheckDigitMismatch
            })
        ));
    }

    #[test]
    fn second_weights_are_used_when_first_sum_is_ten() {
        // Find digits whose first sum is 10 and check that the second weighting decides.
        let first = [0, 0, 0, 1, 0, 1, 3, 0, 0, 0, 0];
        // Σ = 4 + 6 + 21 = 31 → 9; adjust the serial to hit 10.
        let mut d = first;
        let mut found = false;
        for serial in 0..10_000u32 {
            d[7] = serial / 1000;
            d[8] = serial / 100 % 10;
            d[9] = serial / 10 % 10;
            d[10] = serial % 10;
            let s1: u32 = d.iter().zip(WEIGHTS_1).map(|(a, w)| a * w).sum::<u32>() % 11;
            let s2: u32 = d.iter().zip(WEIGHTS_2).map(|(a, w)| a * w).sum::<u32>() % 11;
            if s1 == 10 && s2 != 10 {
                assert_eq!(check_digit(&d), Some(s2));
                found = true;
                break;
            }
        }
        assert!(found);
    }

    #[test]
    fn rejects_malformed_numbers_with_reasons() {
        let cases = [
            ("12345", IinProblem::WrongLength),
            ("86041530012a", IinProblem::WrongLength),
            ("860415700123", IinProblem::BadCenturyDigit),
            ("860415000123", IinProblem::BadCenturyDigit),
            ("860231300123", IinProblem::NoSuchBirthDate),
            ("861315300123", IinProblem::NoSuchBirthDate),
        ];
        for (input, want) in cases {
            match Iin::parse(input) {
                Err(Error::InvalidIin { problem }) => assert_eq!(problem, want, "{input}"),
                other => panic!("{input}: expected InvalidIin, got {other:?}"),
            }
        }
    }

    #[test]
    fn debug_and_errors_never_show_the_digits() {
        let iin = Iin::parse("860415300123").unwrap();
        assert!(!format!("{iin:?}").contains("860415"));
        let err = Iin::parse("860415300124").unwrap_err();
        assert!(!err.to_string().contains("860415"));
    }

    proptest! {
        #[test]
        fn synthesized_numbers_round_trip(days in 0i64..80_000, male: bool, serial in 0u32..10_000) {
            let birth = NaiveDate::from_ymd_opt(1850, 1, 1).unwrap() + chrono::Duration::days(days);
            let sex = if male { Sex::Male } else { Sex::Female };
            if let Some(iin) = synthesize(birth, sex, serial) {
                let parsed = Iin::parse(iin.as_str()).unwrap();
                prop_assert_eq!(parsed.birth_date(), birth);
                prop_assert_eq!(parsed.sex(), sex);
            }
        }

        #[test]
        fn a_changed_check_digit_is_always_rejected(serial in 0u32..10_000, delta in 1u8..10) {
            if let Some(iin) = synthesize(NaiveDate::from_ymd_opt(1988, 7, 9).unwrap(), Sex::Male, serial) {
                let mut b = iin.as_str().as_bytes().to_vec();
                b[11] = b'0' + (b[11] - b'0' + delta) % 10;
                let changed = String::from_utf8(b).unwrap();
                prop_assert!(Iin::parse(&changed).is_err());
            }
        }
    }
}
