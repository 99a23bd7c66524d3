//! CSV (RFC 4180): a parser that reads as Python's `csv.reader` does, the stand-in for it.

/// Parses CSV as RFC 4180 has it, the way Python's `csv.reader` reads it: fields split by commas,
/// records ended by CRLF or LF, quoted fields that may hold commas, line breaks and doubled
/// quotes. A blank line is an empty record. Stricter than Python: a stray quote is an error.
pub fn parse_csv(text: &str) -> Result<Vec<Vec<String>>, String> {
    let mut rows = Vec::new();
    let mut row: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut quoted = false; // this field began with a quote
    let mut in_quotes = false; // inside the quotes now
    let mut line = 1;
    let mut chars = text.chars().peekable();
    let end_record = |row: &mut Vec<String>, field: &mut String, quoted: &mut bool| {
        let record = std::mem::take(row);
        let last = std::mem::take(field);
        let blank = record.is_empty() && last.is_empty() && !*quoted;
        *quoted = false;
        if blank {
            Vec::new()
        } else {
            let mut record = record;
            record.push(last);
            record
        }
    };
    while let Some(c) = chars.next() {
        if in_quotes {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => in_quotes = false,
                _ => {
                    if c == '\n' {
                        line += 1;
                    }
                    field.push(c);
                }
            }
            continue;
        }
        match c {
            '"' if field.is_empty() && !quoted => {
                quoted = true;
                in_quotes = true;
            }
            '"' => return Err(format!("line {line}: a quote inside an unquoted field")),
            ',' => {
                row.push(std::mem::take(&mut field));
                quoted = false;
            }
            '\r' | '\n' => {
                if c == '\r' {
                    if chars.peek() == Some(&'\n') {
                        chars.next();
                    } else {
                        return Err(format!("line {line}: a bare CR"));
                    }
                }
                line += 1;
                rows.push(end_record(&mut row, &mut field, &mut quoted));
            }
            _ if quoted => {
                return Err(format!("line {line}: text after a closing quote"));
            }
            _ => field.push(c),
        }
    }
    if in_quotes {
        return Err(format!("line {line}: a quoted field is never closed"));
    }
    if !row.is_empty() || !field.is_empty() || quoted {
        rows.push(end_record(&mut row, &mut field, &mut quoted));
    }
    Ok(rows)
}
