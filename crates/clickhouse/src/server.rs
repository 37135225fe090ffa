//! A throwaway ClickHouse server for tests and benchmarks: an ordinary child process on
//! loopback, with its own configuration, data and logs in a temporary folder and free ports,
//! stopped and removed when dropped. No system service is touched.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running server. Its folder and process go when it is dropped.
pub struct LocalServer {
    child: Child,
    dir: PathBuf,
    /// `http://127.0.0.1:PORT`
    pub url: String,
}

/// The server binary: `clickhouse-server` on the `PATH` or where Debian puts it.
pub fn binary() -> Option<PathBuf> {
    let from_path = std::env::var_os("PATH").and_then(|p| {
        std::env::split_paths(&p)
            .map(|d| d.join("clickhouse-server"))
            .find(|f| f.is_file())
    });
    from_path.or_else(|| {
        let p = PathBuf::from("/usr/sbin/clickhouse-server");
        p.is_file().then_some(p)
    })
}

fn free_port() -> std::io::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

impl LocalServer {
    /// Starts a server with `binary` in a new folder under `parent`, waiting until it answers
    /// (at most a minute).
    pub fn start(binary: &Path, parent: &Path) -> Result<LocalServer, String> {
        let dir = parent.join(format!(
            "clickhouse-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default()
                .as_nanos()
        ));
        std::fs::create_dir_all(dir.join("log")).map_err(|e| format!("{}: {e}", dir.display()))?;
        let http = free_port().map_err(|e| e.to_string())?;
        let tcp = free_port().map_err(|e| e.to_string())?;
        let d = dir.display();
        let config = format!(
            r#"<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>{d}/log/server.log</log><errorlog>{d}/log/error.log</errorlog></logger>
  <http_port>{http}</http_port>
  <tcp_port>{tcp}</tcp_port>
  <listen_host>127.0.0.1</listen_host>
  <path>{d}/data/</path>
  <tmp_path>{d}/tmp/</tmp_path>
  <user_files_path>{d}/user_files/</user_files_path>
  <format_schema_path>{d}/format_schemas/</format_schema_path>
  <mark_cache_size>268435456</mark_cache_size>
  <max_concurrent_queries>64</max_concurrent_queries>
  <users>
    <default>
      <password></password>
      <networks><ip>127.0.0.1</ip></networks>
      <profile>default</profile>
      <quota>default</quota>
    </default>
  </users>
  <profiles><default></default></profiles>
  <quotas><default></default></quotas>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
</yandex>
"#
        );
        let cfg = dir.join("config.xml");
        std::fs::write(&cfg, config).map_err(|e| format!("{}: {e}", cfg.display()))?;
        let out = std::fs::File::create(dir.join("log/stdout.log")).map_err(|e| e.to_string())?;
        let err = out.try_clone().map_err(|e| e.to_string())?;
        let child = Command::new(binary)
            .arg(format!("--config-file={}", cfg.display()))
            .current_dir(&dir)
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .map_err(|e| format!("{}: {e}", binary.display()))?;
        let mut s = LocalServer {
            child,
            dir,
            url: format!("http://127.0.0.1:{http}"),
        };
        let started = Instant::now();
        let http = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(2))
            .build()
            .map_err(|e| e.to_string())?;
        loop {
            if let Ok(r) = http.get(format!("{}/?query=SELECT%201", s.url)).send() {
                if r.status().is_success() {
                    return Ok(s);
                }
            }
            if let Ok(Some(status)) = s.child.try_wait() {
                let log = std::fs::read_to_string(s.dir.join("log/error.log")).unwrap_or_default();
                return Err(format!("clickhouse-server exited ({status}): {log}"));
            }
            if started.elapsed() > Duration::from_secs(60) {
                return Err("clickhouse-server did not answer within a minute".into());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for LocalServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
