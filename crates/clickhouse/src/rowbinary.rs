//! ClickHouse's `RowBinary` format, both ways: values little-endian, strings and arrays
//! prefixed by their length (LEB128), a `Nullable` by one byte (1 = NULL). Exact for floats
//! (no decimal round trip), and cheap to write and read.

use crate::Error;
use builtby_store::mirror::{MirrorType, Value};

pub fn leb(buf: &mut Vec<u8>, mut n: u64) {
    loop {
        let b = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            buf.push(b);
            return;
        }
        buf.push(b | 0x80);
    }
}

pub fn put_str(buf: &mut Vec<u8>, s: &str) {
    leb(buf, s.len() as u64);
    buf.extend_from_slice(s.as_bytes());
}

/// One value of a column of type `t` (a value of another shape is written as the type's
/// default: a tombstone's columns other than its key).
pub fn put_value(buf: &mut Vec<u8>, t: MirrorType, v: &Value) {
    use MirrorType::*;
    let nullable = matches!(t, NullInt | NullReal | NullText);
    if nullable {
        if matches!(v, Value::Null) {
            buf.push(1);
            return;
        }
        buf.push(0);
    }
    match t {
        Int | NullInt => {
            let i = match v {
                Value::Int(i) => *i,
                Value::Real(x) => *x as i64,
                _ => 0,
            };
            buf.extend_from_slice(&i.to_le_bytes());
        }
        Real | NullReal => {
            let x = match v {
                Value::Real(x) => *x,
                Value::Int(i) => *i as f64,
                _ => 0.0,
            };
            buf.extend_from_slice(&x.to_le_bytes());
        }
        Text | NullText => match v {
            Value::Text(s) => put_str(buf, s),
            Value::Int(i) => put_str(buf, &i.to_string()),
            _ => put_str(buf, ""),
        },
        Texts => match v {
            Value::Texts(ws) => {
                leb(buf, ws.len() as u64);
                for w in ws {
                    put_str(buf, w);
                }
            }
            _ => leb(buf, 0),
        },
    }
}

/// A value with a tag of its shape, for hashing raw rows (`Null` and `Int(0)` differ).
pub fn put_tagged(buf: &mut Vec<u8>, v: &Value) {
    match v {
        Value::Null => buf.push(0),
        Value::Int(i) => {
            buf.push(1);
            buf.extend_from_slice(&i.to_le_bytes());
        }
        Value::Real(x) => {
            buf.push(2);
            buf.extend_from_slice(&x.to_bits().to_le_bytes());
        }
        Value::Text(s) => {
            buf.push(3);
            put_str(buf, s);
        }
        Value::Texts(ws) => {
            buf.push(4);
            leb(buf, ws.len() as u64);
            for w in ws {
                put_str(buf, w);
            }
        }
    }
}

/// Reads a `RowBinary` answer, value by value, in the order the query's columns are.
pub struct Reader<'a> {
    b: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    pub fn new(b: &'a [u8]) -> Reader<'a> {
        Reader { b, at: 0 }
    }

    pub fn is_empty(&self) -> bool {
        self.at >= self.b.len()
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], Error> {
        if self.b.len() - self.at < n {
            return Err(Error::Protocol(format!(
                "a RowBinary answer ended after {} bytes, inside a value",
                self.b.len()
            )));
        }
        let s = &self.b[self.at..self.at + n];
        self.at += n;
        Ok(s)
    }

    fn leb(&mut self) -> Result<u64, Error> {
        let mut n = 0u64;
        let mut shift = 0;
        loop {
            let b = self.take(1)?[0];
            n |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(n);
            }
            shift += 7;
            if shift > 63 {
                return Err(Error::Protocol("a length over 64 bits".into()));
            }
        }
    }

    pub fn i64(&mut self) -> Result<i64, Error> {
        let b = self.take(8)?;
        Ok(i64::from_le_bytes(b.try_into().expect("8 bytes")))
    }

    pub fn f64(&mut self) -> Result<f64, Error> {
        let b = self.take(8)?;
        Ok(f64::from_le_bytes(b.try_into().expect("8 bytes")))
    }

    pub fn u8(&mut self) -> Result<u8, Error> {
        Ok(self.take(1)?[0])
    }

    pub fn string(&mut self) -> Result<String, Error> {
        let n = self.leb()? as usize;
        let b = self.take(n)?;
        String::from_utf8(b.to_vec()).map_err(|_| Error::Protocol("a string not in UTF-8".into()))
    }

    fn null(&mut self) -> Result<bool, Error> {
        Ok(self.u8()? == 1)
    }

    pub fn opt_i64(&mut self) -> Result<Option<i64>, Error> {
        Ok(if self.null()? {
            None
        } else {
            Some(self.i64()?)
        })
    }

    pub fn opt_f64(&mut self) -> Result<Option<f64>, Error> {
        Ok(if self.null()? {
            None
        } else {
            Some(self.f64()?)
        })
    }

    pub fn opt_string(&mut self) -> Result<Option<String>, Error> {
        Ok(if self.null()? {
            None
        } else {
            Some(self.string()?)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let mut b = Vec::new();
        put_value(&mut b, MirrorType::Int, &Value::Int(-5));
        put_value(&mut b, MirrorType::NullReal, &Value::Null);
        put_value(&mut b, MirrorType::NullReal, &Value::Real(0.1 + 0.2));
        put_value(&mut b, MirrorType::Text, &Value::Text("é".repeat(100)));
        put_value(&mut b, MirrorType::NullText, &Value::Text("x".into()));
        let mut r = Reader::new(&b);
        assert_eq!(r.i64().unwrap(), -5);
        assert_eq!(r.opt_f64().unwrap(), None);
        assert_eq!(r.opt_f64().unwrap(), Some(0.1 + 0.2));
        assert_eq!(r.string().unwrap(), "é".repeat(100));
        assert_eq!(r.opt_string().unwrap().as_deref(), Some("x"));
        assert!(r.is_empty());
        assert!(Reader::new(&b[..3]).i64().is_err());
    }
}
