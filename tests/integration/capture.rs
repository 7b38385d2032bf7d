//! A tiny HTTP/1.1 server on 127.0.0.1 that records every request (bodies gunzipped) and
//! answers as the test says, by path: the team server as the uploader, nominations and
//! the fixes refresh see it, without the real server's rules getting in the way.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One request as the server saw it, body already gunzipped.
#[derive(Debug, Clone)]
pub struct Captured {
    pub request_line: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Captured {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// `GET`, `POST`, …
    pub fn method(&self) -> &str {
        self.request_line.split(' ').next().unwrap_or("")
    }

    /// The request's path, e.g. `/api/v1/uploads`.
    pub fn path(&self) -> &str {
        self.request_line.split(' ').nth(1).unwrap_or("")
    }
}

/// How the server answers: status, extra headers, body; and a delay before answering.
#[derive(Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: String,
    pub delay: Duration,
}

impl Reply {
    pub fn ok() -> Reply {
        Reply::json(200, r#"{"days":1,"rows":1}"#)
    }

    pub fn json(status: u16, body: &str) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: body.into(),
            delay: Duration::ZERO,
        }
    }
}

/// The replies: one per path, and one for every other path.
struct Replies {
    default: Reply,
    by_path: HashMap<String, Reply>,
}

/// The server: one request per connection, answered as told.
pub struct Capture {
    pub url: String,
    seen: Arc<Mutex<Vec<Captured>>>,
    replies: Arc<Mutex<Replies>>,
}

impl Capture {
    pub fn start() -> Capture {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let replies = Arc::new(Mutex::new(Replies {
            default: Reply::ok(),
            by_path: HashMap::new(),
        }));
        let (seen2, replies2) = (seen.clone(), replies.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (seen, replies) = (seen2.clone(), replies2.clone());
                std::thread::spawn(move || serve_one(stream, &seen, &replies));
            }
        });
        Capture { url, seen, replies }
    }

    /// How every path without its own reply is answered.
    pub fn set(&self, reply: Reply) {
        self.replies.lock().unwrap().default = reply;
    }

    /// How requests to `path` are answered, whatever their method.
    pub fn route(&self, path: &str, reply: Reply) {
        self.replies
            .lock()
            .unwrap()
            .by_path
            .insert(path.to_string(), reply);
    }

    pub fn requests(&self) -> Vec<Captured> {
        self.seen.lock().unwrap().clone()
    }

    /// The requests to `path`.
    pub fn requests_to(&self, path: &str) -> Vec<Captured> {
        self.requests()
            .into_iter()
            .filter(|r| r.path() == path)
            .collect()
    }

    /// The uploads (not the fixes refreshes that follow them).
    pub fn uploads(&self) -> Vec<Captured> {
        self.requests_to("/api/v1/uploads")
    }
}

fn serve_one(stream: TcpStream, seen: &Mutex<Vec<Captured>>, replies: &Mutex<Replies>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        if let Some((k, v)) = line.trim_end().split_once(':') {
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    let length: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut raw = vec![0u8; length];
    reader.read_exact(&mut raw).unwrap();
    let gzipped = headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("content-encoding") && v == "gzip");
    let body = if gzipped {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(&raw[..])
            .read_to_end(&mut out)
            .unwrap();
        out
    } else {
        raw
    };
    let captured = Captured {
        request_line: request_line.trim_end().to_string(),
        headers,
        body,
    };
    let reply = {
        let replies = replies.lock().unwrap();
        replies
            .by_path
            .get(captured.path())
            .unwrap_or(&replies.default)
            .clone()
    };
    seen.lock().unwrap().push(captured);
    std::thread::sleep(reply.delay);
    let mut stream = stream;
    let mut text = format!(
        "HTTP/1.1 {} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
        reply.status,
        reply.body.len()
    );
    for (k, v) in &reply.headers {
        text.push_str(&format!("{k}: {v}\r\n"));
    }
    text.push_str("\r\n");
    text.push_str(&reply.body);
    let _ = stream.write_all(text.as_bytes());
}
