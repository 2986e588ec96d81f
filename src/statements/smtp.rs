//! How a notice leaves: SMTP through `lettre`.

use std::time::Duration;

use super::notices::Notice;
use crate::config::{SmtpConfig, SmtpTls};

/// How a notice leaves: SMTP for real.
pub trait Mailer {
    /// Sends one notice; `Ok` once the server has accepted it.
    fn send(&self, notice: &Notice, service: &str) -> Result<(), String>;
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
    fn send(&self, notice: &Notice, service: &str) -> Result<(), String> {
        use lettre::Transport;
        let to_address = notice.to_email.as_deref().ok_or("no address")?;
        let to = lettre::message::Mailbox::new(
            Some(notice.to_name.clone()),
            to_address.parse().map_err(|e| format!("{to_address}: {e}"))?,
        );
        let message = lettre::Message::builder()
            .from(self.sender.clone())
            .to(to)
            .message_id(Some(notice.message_id()))
            .subject(notice.subject())
            .header(lettre::message::header::ContentType::TEXT_PLAIN)
            .body(notice.body(service))
            .map_err(|e| e.to_string())?;
        self.transport.send(&message).map(|_| ()).map_err(|e| e.to_string())
    }
}
