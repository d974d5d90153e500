//! The printable protection order: a PDF in Kazakh, Russian and English with an embedded free
//! font that covers the Kazakh Cyrillic letters (DejaVu Sans), and the signed QR code.
//!
//! What a copy shows is decided here, from an [`OrderView`] the core builds: the copy served on
//! the restricted person carries no address of any protected person (the view does not even
//! hold one), and no copy ever prints an address marked confidential.

use chrono::{DateTime, Duration, Utc};
use printpdf::{IndirectFontRef, Mm, PdfDocument, PdfLayerReference, Rect};

use crate::error::{Error, Result};
use crate::model::{Language, OrderRules};

const FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
const FONT_BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// Which copy is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderCopy {
    /// Handed to the restricted person: never any protected person's address.
    Served,
    /// For the police file: addresses that are not confidential.
    PoliceFile,
}

/// A protected person as a copy shows them.
#[derive(Debug, Clone, PartialEq)]
pub struct ProtectedLine {
    pub name: String,
    /// Only on the police-file copy, and only when not confidential.
    pub address: Option<String>,
    pub address_confidential: bool,
}

/// Everything a printed order shows, already filtered for the copy.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderView {
    pub copy: OrderCopy,
    pub number: String,
    pub issued_at: DateTime<Utc>,
    pub utc_offset_min: i32,
    pub valid_from: DateTime<Utc>,
    pub valid_until: DateTime<Utc>,
    pub restricted_name: String,
    pub restricted_birth: Option<String>,
    pub restricted_address: Option<String>,
    pub protected: Vec<ProtectedLine>,
    pub prohibitions: Vec<String>,
    pub officer: String,
    pub served: Option<String>,
    pub qr_text: String,
}

struct Labels {
    title: &'static str,
    copy_served: &'static str,
    copy_file: &'static str,
    issued: &'static str,
    valid: &'static str,
    restricted: &'static str,
    born: &'static str,
    address: &'static str,
    protected: &'static str,
    confidential: &'static str,
    prohibited: &'static str,
    checks: &'static str,
    basis: &'static str,
    officer: &'static str,
    served: &'static str,
    signature: &'static str,
    qr: &'static str,
}

fn labels(lang: Language) -> Labels {
    match lang {
        Language::Kk => Labels {
            title: "ҚОРҒАУ НҰСҚАМАСЫ",
            copy_served: "Нұсқама берілген адамға арналған данасы",
            copy_file: "Іс үшін данасы",
            issued: "Берілген уақыты",
            valid: "Қолданылу мерзімі",
            restricted: "Нұсқама берілген адам",
            born: "туған күні",
            address: "мекенжайы",
            protected: "Қорғалатын адамдар",
            confidential: "мекенжайы құпия",
            prohibited: "Тыйым салынады:",
            checks: "Нұсқаманың орындалуы әр {n} күн сайын тексеріледі; учаскелік полиция инспекторына аптасына кемінде бір рет келу міндетті.",
            basis: "Құқықтық негіз",
            officer: "Нұсқаманы берген қызметкер",
            served: "Табыс етілді",
            signature: "Танысқан адамның қолы: ____________________",
            qr: "Тексеру коды (кез келген қызметкердің құрылғысы желісіз тексереді)",
        },
        Language::Ru => Labels {
            title: "ЗАЩИТНОЕ ПРЕДПИСАНИЕ",
            copy_served: "Экземпляр для лица, в отношении которого вынесено предписание",
            copy_file: "Экземпляр для дела",
            issued: "Вынесено",
            valid: "Срок действия",
            restricted: "Лицо, в отношении которого вынесено предписание",
            born: "дата рождения",
            address: "адрес",
            protected: "Защищаемые лица",
            confidential: "адрес конфиденциален",
            prohibited: "Запрещается:",
            checks: "Исполнение проверяется каждые {n} дней; явка к участковому инспектору полиции не реже одного раза в неделю обязательна.",
            basis: "Правовое основание",
            officer: "Сотрудник, вынесший предписание",
            served: "Вручено",
            signature: "Подпись ознакомленного лица: ____________________",
            qr: "Код проверки (проверяется устройством любого сотрудника без сети)",
        },
        Language::En => Labels {
            title: "PROTECTION ORDER",
            copy_served: "Copy for the restricted person",
            copy_file: "Police file copy",
            issued: "Issued",
            valid: "Valid",
            restricted: "Person restricted by this order",
            born: "born",
            address: "address",
            protected: "Protected persons",
            confidential: "address confidential",
            prohibited: "Prohibited:",
            checks: "Compliance is checked every {n} days; the person must report to the district police inspector at least once a week.",
            basis: "Legal basis",
            officer: "Issuing officer",
            served: "Served",
            signature: "Signature of the person served: ____________________",
            qr: "Verification code (any officer's device checks it offline)",
        },
    }
}

fn local(t: DateTime<Utc>, offset_min: i32) -> String {
    let l = t + Duration::minutes(i64::from(offset_min));
    let sign = if offset_min < 0 { '-' } else { '+' };
    let o = offset_min.abs();
    format!(
        "{} (UTC{sign}{:02}:{:02})",
        l.format("%Y-%m-%d %H:%M"),
        o / 60,
        o % 60
    )
}

/// Splits text into lines of at most `max` characters at spaces.
fn wrap(text: &str, max: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > max {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

struct Writer<'a> {
    layer: PdfLayerReference,
    font: &'a IndirectFontRef,
    bold: &'a IndirectFontRef,
    y: f32,
}

impl Writer<'_> {
    fn text(&mut self, s: &str, size: f32, bold: bool) {
        // DejaVu Sans averages about 0.6 em per Cyrillic character.
        let max = ((180.0 / (size * 0.3528 * 0.62)) as usize).max(20);
        for line in wrap(s, max) {
            self.layer.use_text(
                line,
                size,
                Mm(15.0),
                Mm(self.y),
                if bold { self.bold } else { self.font },
            );
            self.y -= size * 0.3528 * 1.45;
        }
    }
    fn gap(&mut self, mm: f32) {
        self.y -= mm;
    }
}

/// Renders the order in the given languages, one page per language.
pub fn render(view: &OrderView, rules: &OrderRules, languages: &[Language]) -> Result<Vec<u8>> {
    if languages.is_empty() {
        return Err(Error::invalid("languages", "at least one language"));
    }
    let (doc, first_page, first_layer) = PdfDocument::new(
        format!("Protection order {}", view.number),
        Mm(210.0),
        Mm(297.0),
        "text",
    );
    let font = doc
        .add_external_font(FONT)
        .map_err(|e| Error::invalid("font", e.to_string()))?;
    let bold = doc
        .add_external_font(FONT_BOLD)
        .map_err(|e| Error::invalid("font", e.to_string()))?;
    let (qr_size, qr_dark) = super::qr::modules(&view.qr_text)?;
    for (i, lang) in languages.iter().enumerate() {
        let layer = if i == 0 {
            doc.get_page(first_page).get_layer(first_layer)
        } else {
            let (p, l) = doc.add_page(Mm(210.0), Mm(297.0), "text");
            doc.get_page(p).get_layer(l)
        };
        let l = labels(*lang);
        let mut w = Writer {
            layer: layer.clone(),
            font: &font,
            bold: &bold,
            y: 280.0,
        };
        w.text(&format!("{} № {}", l.title, view.number), 16.0, true);
        w.text(
            if view.copy == OrderCopy::Served {
                l.copy_served
            } else {
                l.copy_file
            },
            9.0,
            false,
        );
        w.gap(3.0);
        w.text(
            &format!(
                "{}: {}",
                l.issued,
                local(view.issued_at, view.utc_offset_min)
            ),
            10.0,
            false,
        );
        w.text(
            &format!(
                "{}: {} — {}",
                l.valid,
                local(view.valid_from, view.utc_offset_min),
                local(view.valid_until, view.utc_offset_min)
            ),
            10.0,
            true,
        );
        w.gap(2.0);
        w.text(
            &format!("{}: {}", l.restricted, view.restricted_name),
            11.0,
            true,
        );
        if let Some(b) = &view.restricted_birth {
            w.text(&format!("{}: {b}", l.born), 10.0, false);
        }
        if let Some(a) = &view.restricted_address {
            w.text(&format!("{}: {a}", l.address), 10.0, false);
        }
        w.gap(2.0);
        w.text(&format!("{}:", l.protected), 11.0, true);
        for p in &view.protected {
            let addr = match (&p.address, p.address_confidential) {
                (_, true) if view.copy == OrderCopy::PoliceFile => format!(" — {}", l.confidential),
                (Some(a), false) => format!(" — {}: {a}", l.address),
                _ => String::new(),
            };
            w.text(&format!("• {}{addr}", p.name), 10.0, false);
        }
        w.gap(2.0);
        w.text(l.prohibited, 11.0, true);
        for code in &view.prohibitions {
            let text = rules
                .prohibition(code)
                .map(|p| p.text.get(*lang).to_string())
                .unwrap_or_else(|| code.clone());
            w.text(&format!("• {text}"), 10.0, false);
        }
        w.gap(2.0);
        w.text(
            &l.checks
                .replace("{n}", &rules.check_interval_days.to_string()),
            9.5,
            false,
        );
        w.text(rules.violation_consequence.get(*lang), 9.5, false);
        w.text(&format!("{}: {}", l.basis, rules.source), 8.0, false);
        w.gap(2.0);
        w.text(&format!("{}: {}", l.officer, view.officer), 10.0, false);
        if let Some(s) = &view.served {
            w.text(&format!("{}: {s}", l.served), 10.0, false);
        }
        w.gap(4.0);
        w.text(l.signature, 10.0, false);
        // The QR code, bottom right, drawn as vector squares (crisp at any print size).
        let side = 50.0_f32;
        let module = side / (qr_size as f32 + 8.0);
        let (x0, y0) = (195.0 - side, 12.0);
        for row in 0..qr_size {
            let mut col = 0;
            while col < qr_size {
                if qr_dark[row * qr_size + col] {
                    let start = col;
                    while col < qr_size && qr_dark[row * qr_size + col] {
                        col += 1;
                    }
                    let x1 = x0 + (start as f32 + 4.0) * module;
                    let x2 = x0 + (col as f32 + 4.0) * module;
                    let y2 = y0 + side - (row as f32 + 4.0) * module;
                    layer.add_rect(Rect::new(Mm(x1), Mm(y2 - module), Mm(x2), Mm(y2)));
                } else {
                    col += 1;
                }
            }
        }
        layer.use_text(l.qr, 7.0, Mm(15.0), Mm(14.0), &font);
    }
    doc.save_to_bytes()
        .map_err(|e| Error::invalid("pdf", e.to_string()))
}
