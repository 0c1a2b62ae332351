//! Printable documents (certificates, reports) with the PDF base-14 Helvetica fonts: nothing is
//! embedded, so files stay a few kilobytes and open on any reader. Text is encoded in
//! WinAnsiEncoding, which covers English, French, Spanish and Portuguese; a character outside it
//! prints as its nearest ASCII ("→" as "->", "ł" as "l", "Иван" as "Ivan"), never as "?".
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

const A4: (f32, f32) = (595.0, 842.0);
const MARGIN: f32 = 56.0;

/// Helvetica advance widths (1/1000 em) of ASCII 32..=126, from the font's AFM.
const WIDTHS: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667,
    611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
    667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500,
    222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];

/// The byte of a character in WinAnsiEncoding.
pub fn win_ansi(c: char) -> u8 {
    match c {
        ' '..='~' => c as u8,
        '\u{A0}'..='\u{FF}' => c as u32 as u8,
        '€' => 0x80,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '•' => 0x95,
        '…' => 0x85,
        '–' => 0x96,
        '—' => 0x97,
        'Š' => 0x8A,
        'Œ' => 0x8C,
        'Ž' => 0x8E,
        'š' => 0x9A,
        'œ' => 0x9C,
        'ž' => 0x9E,
        'Ÿ' => 0x9F,
        _ => b'?',
    }
}

/// `s` with every character WinAnsiEncoding lacks written as its nearest ASCII (the Helvetica
/// of every reader has no glyph for it).
pub fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    if s.chars().all(|c| c == '?' || win_ansi(c) != b'?') {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c == '?' || win_ansi(c) != b'?' {
            out.push(c);
        } else {
            out.push_str(
                match c {
                    // Arrows read as arrows (transliteration would give a dash).
                    '→' | '⟶' => "->",
                    '←' | '⟵' => "<-",
                    '↔' => "<->",
                    '≤' => "<=",
                    '≥' => ">=",
                    c => deunicode::deunicode_char(c).unwrap_or("?"),
                }
                .chars()
                // What the transliteration gives must print too: a line or paragraph separator
                // becomes "\n", which the font cannot draw either.
                .map(|t| match t {
                    t if t == '?' || win_ansi(t) != b'?' => t,
                    t if t.is_whitespace() => ' ',
                    _ => '?',
                })
                .collect::<String>()
                .as_str(),
            );
        }
    }
    std::borrow::Cow::Owned(out)
}

fn encode(s: &str) -> Vec<u8> {
    printable(s).chars().map(win_ansi).collect()
}

/// Width of a text in points (accented letters measured as their base letter).
pub fn width(s: &str, size: f32, bold: bool) -> f32 {
    let units: u32 = printable(s)
        .chars()
        .map(|c| {
            let base = match c {
                ' '..='~' => c,
                'à'..='å' => 'a',
                'è'..='ë' => 'e',
                'ì'..='ï' => 'i',
                'ò'..='ö' => 'o',
                'ù'..='ü' => 'u',
                'ç' => 'c',
                'ñ' => 'n',
                'À'..='Å' => 'A',
                'È'..='Ë' => 'E',
                'Ì'..='Ï' => 'I',
                'Ò'..='Ö' => 'O',
                'Ù'..='Ü' => 'U',
                'Ç' => 'C',
                'Ñ' => 'N',
                _ => 'o',
            };
            u32::from(WIDTHS[(base as usize) - 32])
        })
        .sum();
    units as f32 * size / 1000.0 * if bold { 1.06 } else { 1.0 }
}

/// Splits a paragraph into lines no wider than `max` points.
pub fn wrap(text: &str, size: f32, max: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        for word in para.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if width(&candidate, size, false) > max && !line.is_empty() {
                lines.push(std::mem::replace(&mut line, word.to_string()));
            } else {
                line = candidate;
            }
        }
        lines.push(line);
    }
    lines
}

#[derive(Clone, Copy)]
enum Font {
    Regular,
    Bold,
}

impl Font {
    fn name(self) -> Name<'static> {
        match self {
            Font::Regular => Name(b"F1"),
            Font::Bold => Name(b"F2"),
        }
    }
}

/// A document of A4 pages written top to bottom, with an optional watermark on every page.
pub struct Doc {
    pages: Vec<Content>,
    y: f32,
    landscape: bool,
    watermark: Option<String>,
    footer: String,
}

impl Doc {
    pub fn new(watermark: Option<&str>, footer: &str) -> Doc {
        let mut d = Doc {
            pages: Vec::new(),
            y: 0.0,
            landscape: false,
            watermark: watermark.map(str::to_string),
            footer: footer.to_string(),
        };
        d.new_page();
        d
    }

    fn size(&self) -> (f32, f32) {
        if self.landscape { (A4.1, A4.0) } else { A4 }
    }

    fn new_page(&mut self) {
        let (w, h) = self.size();
        let mut c = Content::new();
        if let Some(mark) = &self.watermark {
            // Large, light and diagonal, under the text.
            c.save_state();
            c.set_fill_gray(0.88);
            c.begin_text();
            c.set_font(Font::Bold.name(), 64.0);
            let (cos, sin) = (
                std::f32::consts::FRAC_1_SQRT_2,
                std::f32::consts::FRAC_1_SQRT_2,
            );
            c.set_text_matrix([cos, sin, -sin, cos, w * 0.18, h * 0.22]);
            c.show(Str(&encode(mark)));
            c.end_text();
            c.restore_state();
        }
        if !self.footer.is_empty() {
            c.begin_text();
            c.set_font(Font::Regular.name(), 8.0);
            c.next_line(MARGIN, 28.0);
            c.show(Str(&encode(&self.footer)));
            c.end_text();
        }
        self.pages.push(c);
        self.y = h - MARGIN;
    }

    fn text_at(&mut self, x: f32, y: f32, font: Font, size: f32, s: &str) {
        // A document always has a page (the constructors make the first).
        let Some(c) = self.pages.last_mut() else {
            return;
        };
        c.begin_text();
        c.set_font(font.name(), size);
        c.next_line(x, y);
        c.show(Str(&encode(s)));
        c.end_text();
    }

    fn line(&mut self, font: Font, size: f32, s: &str) {
        if self.y - size < MARGIN {
            self.new_page();
        }
        self.y -= size * 1.3;
        let y = self.y;
        self.text_at(MARGIN, y, font, size, s);
    }

    pub fn title(&mut self, s: &str) {
        let max = self.size().0 - 2.0 * MARGIN;
        for l in wrap(s, 20.0, max) {
            self.line(Font::Bold, 20.0, &l);
        }
        self.gap(8.0);
    }

    pub fn heading(&mut self, s: &str) {
        self.gap(6.0);
        self.line(Font::Bold, 13.0, s);
        self.gap(2.0);
    }

    pub fn para(&mut self, s: &str) {
        let max = self.size().0 - 2.0 * MARGIN;
        for l in wrap(s, 10.5, max) {
            self.line(Font::Regular, 10.5, &l);
        }
        self.gap(4.0);
    }

    /// A row of a two-column table: label left, value right-aligned.
    pub fn row(&mut self, label: &str, value: &str) {
        self.line(Font::Regular, 10.5, label);
        let (w, _) = self.size();
        let x = w - MARGIN - width(value, 10.5, false);
        let y = self.y;
        self.text_at(x, y, Font::Regular, 10.5, value);
    }

    /// A labelled value: beside its label when it fits, else the label then the wrapped text.
    pub fn field(&mut self, label: &str, value: &str) {
        let (w, _) = self.size();
        let room = w - 2.0 * MARGIN - width(label, 10.5, false) - 24.0;
        if width(value, 10.5, false) <= room {
            self.row(label, value);
        } else {
            self.line(Font::Regular, 10.5, label);
            let max = w - 2.0 * MARGIN - 24.0;
            for l in wrap(value, 10.5, max) {
                if self.y - 10.5 < MARGIN {
                    self.new_page();
                }
                self.y -= 10.5 * 1.3;
                let y = self.y;
                self.text_at(MARGIN + 24.0, y, Font::Regular, 10.5, &l);
            }
        }
    }

    pub fn gap(&mut self, pt: f32) {
        self.y -= pt;
    }

    /// The certificate layout: one landscape page, a frame, every line centred.
    pub fn certificate(lines: &[(String, f32, bool)], watermark: Option<&str>) -> Doc {
        let mut d = Doc {
            pages: Vec::new(),
            y: 0.0,
            landscape: true,
            watermark: watermark.map(str::to_string),
            footer: String::new(),
        };
        d.new_page();
        let (w, h) = d.size();
        if let Some(c) = d.pages.last_mut() {
            c.set_line_width(3.0);
            c.rect(30.0, 30.0, w - 60.0, h - 60.0);
            c.stroke();
            c.set_line_width(0.8);
            c.rect(40.0, 40.0, w - 80.0, h - 80.0);
            c.stroke();
        }
        let mut y = h - 90.0;
        for (text, size, bold) in lines {
            for l in wrap(text, *size, w - 160.0) {
                // The baseline goes down by the line's own size, so large lines get their room.
                y -= size * 1.25;
                let x = (w - width(&l, *size, *bold)) / 2.0;
                let font = if *bold { Font::Bold } else { Font::Regular };
                d.text_at(x.max(60.0), y, font, *size, &l);
            }
            y -= size * 0.7;
        }
        d
    }

    /// The finished file.
    pub fn finish(self, title: &str) -> Vec<u8> {
        let mut pdf = Pdf::new();
        let catalog = Ref::new(1);
        let tree = Ref::new(2);
        let regular = Ref::new(3);
        let bold = Ref::new(4);
        let info = Ref::new(5);
        let mut next = 6;
        let (w, h) = self.size();
        let mut page_ids = Vec::new();
        let mut content_ids = Vec::new();
        for _ in &self.pages {
            page_ids.push(Ref::new(next));
            content_ids.push(Ref::new(next + 1));
            next += 2;
        }
        pdf.catalog(catalog).pages(tree);
        pdf.pages(tree)
            .kids(page_ids.iter().copied())
            .count(page_ids.len() as i32);
        for (i, _) in self.pages.iter().enumerate() {
            let mut page = pdf.page(page_ids[i]);
            page.media_box(Rect::new(0.0, 0.0, w, h));
            page.parent(tree);
            page.contents(content_ids[i]);
            let mut res = page.resources();
            let mut fonts = res.fonts();
            fonts.pair(Font::Regular.name(), regular);
            fonts.pair(Font::Bold.name(), bold);
            fonts.finish();
            res.finish();
            page.finish();
        }
        pdf.type1_font(regular)
            .base_font(Name(b"Helvetica"))
            .encoding_predefined(Name(b"WinAnsiEncoding"));
        pdf.type1_font(bold)
            .base_font(Name(b"Helvetica-Bold"))
            .encoding_predefined(Name(b"WinAnsiEncoding"));
        pdf.document_info(info)
            .title(TextStr(title))
            .producer(TextStr("Haven"));
        for (i, c) in self.pages.into_iter().enumerate() {
            pdf.stream(content_ids[i], &c.finish());
        }
        pdf.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_encoded_and_measured() {
        assert_eq!(
            encode("Andrés Núñez €"),
            b"Andr\xe9s N\xfa\xf1ez \x80".to_vec()
        );
        // Letters and signs WinAnsi lacks: their nearest ASCII, never "?".
        assert_eq!(encode("Łódź"), b"L\xf3dz".to_vec());
        assert_eq!(encode("Help → Food"), b"Help -> Food".to_vec());
        assert_eq!(encode("Иван?"), b"Ivan?".to_vec());
        assert_eq!(encode("9…10"), b"9\x8510".to_vec());
        // A line separator transliterates to a newline, which prints as a space.
        assert_eq!(encode("a\u{2028}b"), b"a b".to_vec());
        assert_eq!(width("→", 10.0, false), width("->", 10.0, false));
        assert!((width("Hello", 10.0, false) - 22.78).abs() < 0.01);
        assert!(width("é", 10.0, false) == width("e", 10.0, false));
        let lines = wrap("one two three four five six seven", 10.0, 60.0);
        assert!(lines.len() > 1 && lines.iter().all(|l| width(l, 10.0, false) <= 60.0));
    }

    proptest::proptest! {
        /// Any text encodes to bytes the font can draw: no control byte, whatever it holds
        /// (a line separator, an emoji, a letter of any script).
        #[test]
        fn any_text_encodes_to_drawable_bytes(s in "\\PC{0,40}") {
            let encoded = encode(&s);
            proptest::prop_assert!(encoded.iter().all(|b| *b >= 0x20), "{:?}", encoded);
            proptest::prop_assert!(encoded.len() >= s.chars().filter(|c| !c.is_whitespace()).count().min(1));
        }

        /// A letter that has an ASCII spelling prints as it, never as "?" ("Ł" as "L").
        #[test]
        fn letters_print_as_their_ascii_spelling(c in proptest::char::any()) {
            let spelled = deunicode::deunicode_char(c)
                .filter(|t| !t.is_empty() && t.chars().all(|x| x.is_ascii_alphanumeric()));
            if c.is_alphabetic() && spelled.is_some() {
                proptest::prop_assert!(!encode(&c.to_string()).contains(&b'?'), "{c:?}");
            }
        }
    }

    #[test]
    fn documents_are_pdfs_with_every_page() {
        let mut d = Doc::new(Some("CONFIDENTIAL"), "Haven");
        d.title("Report");
        for i in 0..200 {
            d.row(&format!("Line {i}"), "1");
        }
        let bytes = d.finish("Report");
        assert!(bytes.starts_with(b"%PDF-"));
        let pages = bytes.windows(10).filter(|w| w == b"/Type /Pag").count();
        assert!(pages >= 4, "several pages plus the tree: {pages}");
        let c = Doc::certificate(
            &[
                ("Certificate".into(), 30.0, true),
                ("Ana Pérez".into(), 24.0, false),
            ],
            None,
        )
        .finish("Certificate");
        assert!(c.starts_with(b"%PDF-") && c.len() < 10_000);
    }
}
