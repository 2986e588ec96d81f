//! The workspace against hostile and careless use (issue 26): connections
//! that never finish their headers, an audit log that records outcomes and
//! shows tampering, and the small holes (a desk with no inbox yet, server
//! paths in messages, closed cases, ids echoed in redirects).

mod common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use common::web::{Http, PASSWORD, site_with};

/// A connection to `to` from the loopback address `from` (e.g. 127.0.0.2):
/// loopback has many addresses, so a test can be many clients.
fn connect_from(from: &str, to: SocketAddr) -> TcpStream {
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    let from: SocketAddr = format!("{from}:0").parse().unwrap();
    socket.bind(&from.into()).unwrap();
    socket.connect(&to.into()).unwrap();
    socket.into()
}

/// Whether the server has closed `stream` (reads end or fail) within `within`.
fn closed_within(stream: &mut TcpStream, within: Duration) -> bool {
    stream.set_read_timeout(Some(within)).unwrap();
    let mut buf = [0u8; 256];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => continue, // an answer (408 or 400) before the close
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {
                return false;
            }
            Err(_) => return true, // reset
        }
    }
}

#[test]
fn fifty_clients_that_never_finish_their_headers_keep_no_one_waiting_and_are_closed() {
    let site = site_with(|c| {
        c.workspace.header_seconds = 2;
        c.workspace.connections_per_address = 20;
    });
    let addr = site.running.addr;
    // 50 slow clients from one address: some send nothing, the rest part
    // of a request and then a header byte now and then.
    let mut slow: Vec<TcpStream> = (0..50).map(|_| connect_from("127.0.0.1", addr)).collect();
    for (i, s) in slow.iter_mut().enumerate() {
        if i % 2 == 0 {
            let _ = s.write_all(b"GET /sign-in HTTP/1.1\r\nHost: x\r\nX-Slow: a");
        }
    }
    let trickle = {
        let mut streams: Vec<TcpStream> = slow.iter().map(|s| s.try_clone().unwrap()).collect();
        std::thread::spawn(move || {
            for _ in 0..20 {
                for (i, s) in streams.iter_mut().enumerate() {
                    if i % 2 == 0 {
                        let _ = s.write_all(b"a");
                    }
                }
                std::thread::sleep(Duration::from_millis(250));
            }
        })
    };
    // Another client is answered at once, while they wait.
    let started = Instant::now();
    let mut client = connect_from("127.0.0.2", addr);
    client.write_all(b"GET /sign-in HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
    let mut answer = String::new();
    client.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    client.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{}", answer.lines().next().unwrap_or(""));
    assert!(started.elapsed() < Duration::from_secs(2), "answered in {:?}", started.elapsed());
    // Every slow connection is closed: those over the cap at once, the
    // rest when their time for headers runs out.
    let closed = slow.iter_mut().map(|s| closed_within(s, Duration::from_secs(6))).filter(|c| *c).count();
    assert_eq!(closed, 50, "closed within the header time and a margin");
    trickle.join().unwrap();
    // And the address can connect again once its connections are gone.
    let mut again = connect_from("127.0.0.1", addr);
    again.write_all(b"GET /sign-in HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
    let mut answer = String::new();
    again.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    again.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"));
    let _ = (Http::new(&site), PASSWORD);
}
