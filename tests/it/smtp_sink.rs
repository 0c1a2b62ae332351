//! A real SMTP server for the tests, on a local port: it speaks enough of RFC 5321 for lettre
//! (EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT), keeps every message it accepts, and can be told
//! to refuse the next messages with a temporary error (to test the outbox's retries).
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::sync::Mutex;

#[derive(Clone, Debug)]
pub(crate) struct Mail {
    pub to: Vec<String>,
    /// The message as sent (headers and body, dot-unstuffed).
    pub data: String,
}

#[derive(Clone)]
pub(crate) struct SmtpSink {
    pub port: u16,
    mails: Arc<Mutex<Vec<Mail>>>,
    refuse: Arc<AtomicUsize>,
}

impl SmtpSink {
    pub(crate) async fn start() -> SmtpSink {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind sink");
        let port = listener.local_addr().expect("addr").port();
        let sink = SmtpSink {
            port,
            mails: Arc::default(),
            refuse: Arc::default(),
        };
        let s = sink.clone();
        tokio::spawn(async move {
            while let Ok((conn, _)) = listener.accept().await {
                let s = s.clone();
                tokio::spawn(async move {
                    let _ = s.session(conn).await;
                });
            }
        });
        sink
    }

    pub(crate) fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Refuses the next `n` messages with "451" (a temporary failure).
    pub(crate) fn refuse_next(&self, n: usize) {
        self.refuse.store(n, Ordering::SeqCst);
    }

    pub(crate) async fn mails(&self) -> Vec<Mail> {
        self.mails.lock().await.clone()
    }

    /// Waits (up to 20 s) until at least `n` messages arrived.
    pub(crate) async fn wait_for(&self, n: usize) -> Vec<Mail> {
        for _ in 0..200 {
            let m = self.mails().await;
            if m.len() >= n {
                return m;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!(
            "the SMTP sink got {} messages, not {n}",
            self.mails().await.len()
        );
    }

    async fn session(&self, conn: tokio::net::TcpStream) -> std::io::Result<()> {
        let (r, mut w) = conn.into_split();
        let mut lines = BufReader::new(r).lines();
        w.write_all(b"220 haven-test-sink ESMTP\r\n").await?;
        let mut to = Vec::new();
        while let Some(line) = lines.next_line().await? {
            let verb = line.get(..4).unwrap_or("").to_ascii_uppercase();
            match verb.as_str() {
                "EHLO" | "HELO" => {
                    w.write_all(b"250-haven-test-sink\r\n250 8BITMIME\r\n")
                        .await?
                }
                "MAIL" => {
                    to.clear();
                    w.write_all(b"250 OK\r\n").await?
                }
                "RCPT" => {
                    let addr = line
                        .split_once('<')
                        .and_then(|(_, r)| r.split_once('>'))
                        .map(|(a, _)| a.to_string())
                        .unwrap_or_default();
                    to.push(addr);
                    w.write_all(b"250 OK\r\n").await?
                }
                "DATA" => {
                    w.write_all(b"354 End with <CRLF>.<CRLF>\r\n").await?;
                    let mut data = String::new();
                    while let Some(l) = lines.next_line().await? {
                        if l == "." {
                            break;
                        }
                        data.push_str(l.strip_prefix('.').unwrap_or(&l));
                        data.push('\n');
                    }
                    let refused = self
                        .refuse
                        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                        .is_ok();
                    if refused {
                        w.write_all(b"451 4.3.0 Try again later\r\n").await?;
                    } else {
                        self.mails.lock().await.push(Mail {
                            to: std::mem::take(&mut to),
                            data,
                        });
                        w.write_all(b"250 OK queued\r\n").await?;
                    }
                }
                "RSET" | "NOOP" => w.write_all(b"250 OK\r\n").await?,
                "QUIT" => {
                    w.write_all(b"221 Bye\r\n").await?;
                    return Ok(());
                }
                _ => w.write_all(b"502 Command not implemented\r\n").await?,
            }
        }
        Ok(())
    }
}
