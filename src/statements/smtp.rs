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

/// Why an email did not leave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendFailure {
    /// In words, for the outbox log and `statements status`.
    pub reason: String,
    /// The server could not be reached or did not answer in time: every
    /// other email would wait as long, so the round stops here (decision 0192).
    pub unreachable: bool,
}

impl SendFailure {
    fn about_this_email(reason: String) -> Self {
        Self { reason, unreachable: false }
    }
}

/// How a notice leaves: SMTP for real.
pub trait Mailer: Send {
    /// Sends one email; `Ok` once the server has accepted it.
    fn send(&self, email: &Email) -> Result<(), SendFailure>;
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
        // lettre applies the limit to the connection and to every read and
        // write: each step with the server, not the whole email.
        let limit = Duration::from_secs(config.timeout_seconds.max(1));
        let mut builder = builder.port(port).timeout(Some(limit));
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
    fn send(&self, email: &Email) -> Result<(), SendFailure> {
        use lettre::Transport;
        let to_address = &email.to_email;
        let to = lettre::message::Mailbox::new(
            Some(email.to_name.clone()),
            to_address.parse().map_err(|e| SendFailure::about_this_email(format!("{to_address}: {e}")))?,
        );
        let message = lettre::Message::builder()
            .from(self.sender.clone())
            .to(to)
            .message_id(Some(email.message_id.clone()))
            .subject(email.subject.clone())
            .header(lettre::message::header::ContentType::TEXT_PLAIN)
            .body(email.body.clone())
            .map_err(|e| SendFailure::about_this_email(e.to_string()))?;
        self.transport.send(&message).map(|_| ()).map_err(|e| SendFailure {
            // The server's own answer (4xx, 5xx) is about this email; no
            // answer at all, or none in time, is about the server.
            unreachable: !(e.is_transient() || e.is_permanent()),
            reason: e.to_string(),
        })
    }
}
