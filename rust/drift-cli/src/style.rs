//! Colour on or off, and a handful of ANSI styles. Data goes to stdout,
//! logs and progress to stderr; colour is only used when asked for or when
//! the stream is a terminal and NO_COLOR is unset.

use crate::cli::ColorChoice;

#[derive(Debug, Clone, Copy)]
pub struct Styler {
    pub enabled: bool,
}

impl Styler {
    pub fn new(choice: ColorChoice, is_tty: bool, no_color_env: bool) -> Styler {
        let enabled = match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => is_tty && !no_color_env,
        };
        Styler { enabled }
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.enabled {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    pub fn bold(&self, t: &str) -> String {
        self.paint("1", t)
    }
    pub fn dim(&self, t: &str) -> String {
        self.paint("2", t)
    }
    pub fn red(&self, t: &str) -> String {
        self.paint("31", t)
    }
    pub fn green(&self, t: &str) -> String {
        self.paint("32", t)
    }
    pub fn yellow(&self, t: &str) -> String {
        self.paint("33", t)
    }
    pub fn blue(&self, t: &str) -> String {
        self.paint("34", t)
    }
    pub fn cyan(&self, t: &str) -> String {
        self.paint("36", t)
    }
}
