//! How a notice leaves: SMTP through `lettre`.

use std::time::Duration;

use crate::config::{SmtpConfig, SmtpTls};

/// One email, as it leaves: plain text, to one person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    /// The recipient's name.
    pub to_name: String,
    /// Their address.
    pub to_email: String,
    /// The same for every attempt at one notice.
    pub message_id: String,
    /// The subject line.
    pub subject: String,
    /// The text.
    pub body: String,
}

/// How a notice leaves: SMTP for real.
pub trait Mailer {
    /// Sends one email; `Ok` once the server has accepted it.
    fn send(&self, email: &Email) -> Result<(), String>;
}

/// SMTP through `lettre`.
pub struct SmtpMailer {
    transport: lettre::SmtpTransport,
    sender: lettre::message::Mailbox,
}

impl SmtpMailer {
    /// A mailer for `config` (the password read from its file).
    pub fn new(config: &SmtpConfig) -> Result<Self, String> {
        use lettre::transport::smtp::authentication::Credentials;
        let sender = config.sender.parse().map_err(|e| format!("smtp.sender `{}`: {e}", config.sender))?;
        let builder = match config.tls {
            SmtpTls::Starttls => lettre::SmtpTransport::starttls_relay(&config.server),
            SmtpTls::Tls => lettre::SmtpTransport::relay(&config.server),
            SmtpTls::None => Ok(lettre::SmtpTransport::builder_dangerous(&config.server)),
        }
        .map_err(|e| format!("smtp.server `{}`: {e}", config.server))?;
        let port = config.port.unwrap_or(match config.tls {
            SmtpTls::Starttls => 587,
            SmtpTls::Tls => 465,
            SmtpTls::None => 25,
        });
        let mut builder = builder.port(port).timeout(Some(Duration::from_secs(20)));
        if let Some(user) = &config.username {
            let file = config.password_file.as_ref().ok_or("smtp.username needs smtp.password_file")?;
            let password = std::fs::read_to_string(file)
                .map_err(|e| format!("smtp.password_file {}: {e}", file.display()))?;
            builder = builder.credentials(Credentials::new(user.clone(), password.trim_end().to_owned()));
        }
        Ok(Self { transport: builder.build(), sender })
    }
}

impl Mailer for SmtpMailer {
    fn send(&self, email: &Email) -> Result<(), String> {
        use lettre::Transport;
        let to_address = &email.to_email;
        let to = lettre::message::Mailbox::new(
            Some(email.to_name.clone()),
            to_address.parse().map_err(|e| format!("{to_address}: {e}"))?,
        );
        let message = lettre::Message::builder()
            .from(self.sender.clone())
            .to(to)
            .message_id(Some(email.message_id.clone()))
            .subject(email.subject.clone())
            .header(lettre::message::header::ContentType::TEXT_PLAIN)
            .body(email.body.clone())
            .map_err(|e| e.to_string())?;
        self.transport.send(&message).map(|_| ()).map_err(|e| e.to_string())
    }
}
