//! Fictional case-management extracts, made deterministically: a
//! ChildView-style set of CSV files (UTF-8 with a byte-order mark, CRLF,
//! `dd/mm/yyyy`) and a CareDirector-style workbook (a merged title row,
//! Excel dates, ids with leading zeros, coded values). Every name, address
//! and number is made up. `samples/import/` holds copies made by
//! `CASEPRESS_UPDATE_SAMPLES=1 cargo test --test import samples_are_current`.

#![allow(dead_code, reason = "each test binary uses part of it")]

use std::path::Path;

use chrono::{Datelike, Days, NaiveDate};

const FIRST: &[&str] = &[
    "Aiden", "Bella", "Callum", "Darcy", "Eshan", "Freya", "Gabriel", "Harriet", "Idris", "Jade", "Kai",
    "Lola", "Mason", "Nia", "Oscar", "Poppy", "Quinn", "Rhys", "Sienna", "Tariq", "Uma", "Vinnie", "Willow",
    "Zane",
];
const LAST: &[&str] = &[
    "Ashby",
    "Brennan",
    "Calloway",
    "Dunmore",
    "Ellery",
    "Fairbairn",
    "Greaves",
    "Hollings",
    "Irwin",
    "Jessop",
    "Kettering",
    "Lomax",
    "Marchetti",
    "Nolan-Price",
    "Okonjo",
    "Pendleton",
    "Quayle",
    "Rushworth",
    "Sefton",
    "Thackeray",
];
const STREETS: &[&str] =
    &["Larch Close", "Mill Lane", "Kestrel Way", "Orchard Road", "Canal Street", "Beech Grove"];
const WORKERS: &[(&str, &str)] = &[
    ("Priya Natarajan", "North Team"),
    ("Sarah Bennett", "North Team"),
    ("Ben Hollis", "North Team"),
    ("Tom Ashworth", "South Team"),
    ("Kirsty Doyle", "South Team"),
    ("Amrit Sandhu", "Central Team"),
];
const OFFENCES: &[(&str, bool)] = &[
    ("Theft from a shop", false),
    ("Criminal damage to a bus shelter", false),
    ("Assault by beating", false),
    ("Possession of cannabis", false),
    ("Robbery of a mobile phone", true),
    ("Possession of a bladed article in a public place", false),
    ("Affray", true),
    ("Taking a vehicle without consent", false),
];

/// One fictional child as a case system holds them.
#[derive(Debug, Clone)]
pub struct Child {
    pub number: usize,
    pub first: &'static str,
    pub last: &'static str,
    pub known_as: Option<String>,
    pub dob: NaiveDate,
    pub gender: &'static str,
    pub address: String,
    pub postcode: String,
    pub language: &'static str,
    pub worker: (&'static str, &'static str),
    /// Order code as the system prints it: YRO, RO, DTO, BAIL.
    pub order: &'static str,
    pub order_start: NaiveDate,
    pub order_months: Option<u16>,
    pub hearing: Option<NaiveDate>,
    pub assessment: NaiveDate,
    pub score: u8,
    /// L, M, H, VH.
    pub levels: [&'static str; 3],
    pub mappa: Option<(u8, u8)>,
    pub offences: Vec<(NaiveDate, &'static str, &'static str, bool, Option<u8>)>,
    pub meetings: Vec<NaiveDate>,
    pub carer: (String, &'static str, String),
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// `n` fictional children; nothing is overdue on 30 November 2026.
pub fn children(n: usize) -> Vec<Child> {
    let mut seed: u64 = 0x5eed_cafe;
    let mut next = |m: u64| {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (seed >> 33) % m
    };
    let today = d(2026, 11, 30);
    (0..n)
        .map(|i| {
            let first = FIRST[i % FIRST.len()];
            let last = LAST[(i / FIRST.len() + i) % LAST.len()];
            let dob = d(2009, 1, 1) + Days::new(next(365 * 5));
            let order = ["YRO", "RO", "YRO", "BAIL", "RO", "DTO"][i % 6];
            let order_start = today - Days::new(10 + next(150));
            let assessment = order_start + Days::new(2 + next(7));
            let levels_of = ["L", "M", "H", "VH"];
            let levels =
                [levels_of[next(4) as usize], levels_of[next(3) as usize], levels_of[next(4) as usize]];
            let mappa = (i % 17 == 3).then_some((1 + (i % 2) as u8, 1 + (i % 3 == 0) as u8));
            let offences = (0..1 + next(2))
                .map(|k| {
                    let (what, specified) = OFFENCES[(i + k as usize * 3) % OFFENCES.len()];
                    let victim_age = (what.starts_with("Assault") || what.starts_with("Robbery"))
                        .then(|| 14 + next(50) as u8);
                    let plea = if order == "BAIL" { "NG" } else { "G" };
                    (order_start - Days::new(20 + next(60)), what, plea, specified, victim_age)
                })
                .collect();
            // A recent meeting for everyone whose levels or MAPPA call for monthly ones.
            let meetings = vec![today - Days::new(3 + next(20)), today - Days::new(40 + next(10))];
            Child {
                number: 4100 + i,
                first,
                last,
                known_as: (i % 5 == 0).then(|| first[..3].to_owned()),
                dob,
                gender: ["Male", "Female", "Male", "Non-binary"][i % 4],
                address: format!("{} {}", 1 + next(90), STREETS[i % STREETS.len()]),
                postcode: format!("NF{} {}{}Q", 1 + i % 9, 1 + i % 9, ["A", "B", "D", "E"][i % 4]),
                language: ["English", "English", "Polish", "English", "Urdu"][i % 5],
                worker: WORKERS[i % WORKERS.len()],
                order,
                order_start,
                order_months: matches!(order, "YRO" | "RO").then_some([6u16, 9, 12][i % 3]),
                hearing: (order == "BAIL").then(|| today + Days::new(7 + next(40))),
                assessment,
                score: 8 + next(40) as u8,
                levels,
                mappa,
                offences,
                meetings,
                carer: (
                    format!("{} {last}", ["Dawn", "Gary", "Marta", "Imran", "Lisa"][i % 5]),
                    ["Mother", "Father", "Grandmother", "Aunt", "Carer"][i % 5],
                    format!("07700 900 {:03}", i % 1000),
                ),
            }
        })
        .collect()
}

fn dmy(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

fn csv(rows: &[Vec<String>]) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    for r in rows {
        w.write_record(r).unwrap();
    }
    let mut out = b"\xEF\xBB\xBF".to_vec();
    out.extend(w.into_inner().unwrap());
    out
}

/// The ChildView-style extract: (file name, bytes) for children, offences,
/// victims, risk meetings and contacts.
pub fn childview(children: &[Child]) -> Vec<(&'static str, Vec<u8>)> {
    let id = |c: &Child| format!("CV{:06}", c.number);
    let mut main = vec![
        [
            "Child ID",
            "Forename",
            "Surname",
            "Known As",
            "DOB",
            "Gender",
            "Address Line 1",
            "Town",
            "Postcode",
            "First Language",
            "Case Worker",
            "Team",
            "Order Type",
            "Order Start",
            "Order Length (Months)",
            "Court",
            "Next Hearing",
            "Assessment Date",
            "AssetPlus Score",
            "ROR",
            "ROSH",
            "Safety & Wellbeing",
            "MAPPA Category",
            "MAPPA Level",
            "Court Report",
            "Report Requested",
        ]
        .map(str::to_owned)
        .to_vec(),
    ];
    let mut offences = vec![
        [
            "Child ID",
            "Offence Seq",
            "Offence Date",
            "Offence Description",
            "Plea",
            "Specified Offence",
            "Conviction Date",
        ]
        .map(str::to_owned)
        .to_vec(),
    ];
    let mut victims = vec![["Child ID", "Offence Seq", "Victim", "Victim Age"].map(str::to_owned).to_vec()];
    let mut meetings = vec![["Child ID", "Meeting Type", "Meeting Date"].map(str::to_owned).to_vec()];
    let mut contacts = vec![
        ["Child ID", "Contact Name", "Relationship", "Phone", "Parental Responsibility"]
            .map(str::to_owned)
            .to_vec(),
    ];
    let level = |l: &str| match l {
        "L" => "Low",
        "M" => "Medium",
        "H" => "High",
        _ => "Very High",
    };
    for c in children {
        main.push(vec![
            id(c),
            c.first.into(),
            c.last.into(),
            c.known_as.clone().unwrap_or_default(),
            dmy(c.dob),
            c.gender.into(),
            c.address.clone(),
            "Northfield".into(),
            c.postcode.clone(),
            c.language.into(),
            c.worker.0.into(),
            c.worker.1.into(),
            c.order.into(),
            dmy(c.order_start),
            c.order_months.map(|m| m.to_string()).unwrap_or_default(),
            "Northfield Youth Court".into(),
            c.hearing.map(dmy).unwrap_or_default(),
            dmy(c.assessment),
            c.score.to_string(),
            level(c.levels[0]).into(),
            level(c.levels[1]).into(),
            level(c.levels[2]).into(),
            c.mappa.map(|m| m.0.to_string()).unwrap_or_default(),
            c.mappa.map(|m| m.1.to_string()).unwrap_or_default(),
            // A child on bail awaits sentence: the court asked for a PSR on
            // the day it bailed them.
            if c.order == "BAIL" { "PSR requested" } else { "" }.into(),
            if c.order == "BAIL" { dmy(c.order_start) } else { String::new() },
        ]);
        for (k, (date, what, plea, specified, victim)) in c.offences.iter().enumerate() {
            offences.push(vec![
                id(c),
                (k + 1).to_string(),
                dmy(*date),
                (*what).into(),
                (*plea).into(),
                if *specified { "Y" } else { "N" }.into(),
                // A guilty plea convicts: on the day of the order, or of
                // the bail that awaits sentence.
                if *plea == "G" { dmy(c.order_start) } else { String::new() },
            ]);
            if let Some(age) = victim {
                victims.push(vec![
                    id(c),
                    (k + 1).to_string(),
                    "Member of the public".into(),
                    age.to_string(),
                ]);
            }
        }
        for m in &c.meetings {
            meetings.push(vec![id(c), "RVMM".into(), dmy(*m)]);
        }
        contacts.push(vec![id(c), c.carer.0.clone(), c.carer.1.into(), c.carer.2.clone(), "Y".into()]);
    }
    vec![
        ("YJ_Children_20261130.csv", csv(&main)),
        ("YJ_Offences_20261130.csv", csv(&offences)),
        ("YJ_Victims_20261130.csv", csv(&victims)),
        ("YJ_RiskMeetings_20261130.csv", csv(&meetings)),
        ("YJ_Contacts_20261130.csv", csv(&contacts)),
    ]
}

/// The CareDirector-style workbook: "Young People" (a merged title row,
/// then the header), "Offences" and "MAPPA History"; ids with leading
/// zeros stored as text, dates as Excel dates, levels as codes.
pub fn caredirector(children: &[Child], path: &Path) {
    use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};
    let mut book = Workbook::new();
    let created = ExcelDateTime::from_ymd(2026, 11, 30).unwrap();
    book.set_properties(&DocProperties::new().set_creation_datetime(&created));
    let date_fmt = Format::new().set_num_format("dd/mm/yyyy");
    let bold = Format::new().set_bold();
    let excel =
        |d: NaiveDate| ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8).unwrap();
    let id = |c: &Child| format!("{:06}", c.number - 4000);

    let people = book.add_worksheet().set_name("Young People").unwrap();
    people
        .merge_range(0, 0, 0, 12, "Northfield YJS: open young people, extract of 30/11/2026", &bold)
        .unwrap();
    let head = [
        "Person Ref",
        "Surname",
        "First Name(s)",
        "Preferred Name",
        "Date of Birth",
        "Sex",
        "Worker",
        "Worker Team",
        "Legal Outcome",
        "Outcome Date",
        "Length",
        "Assessment Completed",
        "Score",
        "Likelihood of Reoffending",
        "Risk of Serious Harm",
        "Safety and Wellbeing",
        "Meeting Dates",
    ];
    for (col, h) in head.iter().enumerate() {
        people.write_string_with_format(2, col as u16, *h, &bold).unwrap();
    }
    let outcome = |o: &str| match o {
        "YRO" => "YRO - Youth Rehabilitation Order",
        "RO" => "RO - Referral Order",
        "DTO" => "DTO - Detention and Training Order",
        _ => "BS - Bail Supervision",
    };
    for (i, c) in children.iter().enumerate() {
        let r = 3 + i as u32;
        people.write_string(r, 0, id(c)).unwrap();
        people.write_string(r, 1, c.last).unwrap();
        people.write_string(r, 2, c.first).unwrap();
        if let Some(k) = &c.known_as {
            people.write_string(r, 3, k).unwrap();
        }
        people.write_datetime_with_format(r, 4, excel(c.dob), &date_fmt).unwrap();
        people.write_string(r, 5, &c.gender[..1]).unwrap();
        people.write_string(r, 6, c.worker.0).unwrap();
        people.write_string(r, 7, c.worker.1).unwrap();
        people.write_string(r, 8, outcome(c.order)).unwrap();
        people.write_datetime_with_format(r, 9, excel(c.order_start), &date_fmt).unwrap();
        if let Some(m) = c.order_months {
            people.write_number(r, 10, m as f64).unwrap();
        }
        people.write_datetime_with_format(r, 11, excel(c.assessment), &date_fmt).unwrap();
        people.write_number(r, 12, c.score as f64).unwrap();
        for (k, l) in c.levels.iter().enumerate() {
            people.write_string(r, 13 + k as u16, *l).unwrap();
        }
        let meetings: Vec<String> = c.meetings.iter().map(|m| dmy(*m)).collect();
        people.write_string(r, 16, meetings.join("; ")).unwrap();
    }
    // Two blank rows at the end, as exports often have.
    people.write_string(3 + children.len() as u32 + 1, 0, "").unwrap();

    let offences = book.add_worksheet().set_name("Offences").unwrap();
    for (col, h) in
        ["Person Ref", "Offence", "Offence Date", "Plea", "Grave Crime / Specified"].iter().enumerate()
    {
        offences.write_string_with_format(0, col as u16, *h, &bold).unwrap();
    }
    let mut r = 1;
    for c in children {
        for (date, what, plea, specified, _) in &c.offences {
            offences.write_string(r, 0, id(c)).unwrap();
            offences.write_string(r, 1, *what).unwrap();
            offences.write_datetime_with_format(r, 2, excel(*date), &date_fmt).unwrap();
            offences.write_string(r, 3, if *plea == "G" { "Guilty" } else { "Not Guilty" }).unwrap();
            offences.write_boolean(r, 4, *specified).unwrap();
            r += 1;
        }
    }

    let mappa = book.add_worksheet().set_name("MAPPA History").unwrap();
    for (col, h) in ["Person Ref", "Category", "Level", "Review Date"].iter().enumerate() {
        mappa.write_string_with_format(0, col as u16, *h, &bold).unwrap();
    }
    let mut r = 1;
    for c in children {
        if let Some((cat, level)) = c.mappa {
            // An older record first, then the current one: the latest is taken.
            for (k, back) in [(0u8, 120u64), (1, 20)] {
                mappa.write_string(r, 0, id(c)).unwrap();
                mappa.write_string(r, 1, format!("Cat {cat}")).unwrap();
                mappa.write_string(r, 2, format!("Level {}", if k == 0 { 1 } else { level })).unwrap();
                mappa
                    .write_datetime_with_format(r, 3, excel(d(2026, 11, 30) - Days::new(back)), &date_fmt)
                    .unwrap();
                r += 1;
            }
        }
    }
    book.save(path).unwrap();
}

/// An offence as [`Child`] holds it: date, description, plea, specified, victim's age.
type Offence = (NaiveDate, &'static str, &'static str, bool, Option<u8>);

fn dmon(d: NaiveDate) -> String {
    d.format("%d-%b-%Y").to_string()
}

/// The YOIS-style report "YJ07b Open cases": one semicolon-separated file
/// in Windows-1252 with CRLF ends; a title line and a group-header line
/// above the column header; dates as `12-Mar-2009`; surnames in capitals;
/// the worker as "Surname, Forename"; the order inside a free-text legal
/// status (none for a child awaiting sentence, whose Order Start is
/// empty); a closing date inside a free-text case status; MAPPA as
/// "Cat 2 / Lvl 1"; offences, their dates and pleas as `|` lists in one
/// cell each; and a totals row at the end.
pub fn yois(children: &[Child]) -> (&'static str, Vec<u8>) {
    let names: &[(usize, &str, &str)] = &[
        (1, "Zoë", "BRENNAN"),
        (3, "Darcy", "NUÑEZ"),
        (7, "Siân", "O’NEILL"),
        (12, "Renée", "MÜLLER-HART"),
        (19, "Oisín", "QUAYLE"),
        (25, "Tomás", "GARCÍA"),
    ];
    let level = |l: &str| match l {
        "L" => "Low",
        "M" => "Medium",
        "H" => "High",
        _ => "Very High",
    };
    let head = [
        "YP Ref. No.",
        "Forename(s)",
        "Surname",
        "D.O.B.",
        "Gender",
        "Address",
        "Postcode",
        "Case Worker",
        "Team / Unit",
        "Legal Status",
        "Order Start",
        "Court",
        "Next Hearing",
        "Case Status",
        "Assessment Date",
        "AssetPlus Score",
        "RoR",
        "RoSH",
        "S&W",
        "MAPPA Cat/Lvl",
        "RVMM Date(s)",
        "Offence(s) [| separated]",
        "Offence Date(s)",
        "Plea(s)",
        "Specified (Y/N)",
        "Parent/Carer",
        "Relationship",
        "Phone",
        "Compensation (£)",
    ];
    let mut rows: Vec<Vec<String>> = vec![
        vec![
            "Northfield YJS - Report YJ07b Open cases with court & assessment; Run 30-Nov-2026 02:14 by INFO.OFFICER"
                .into(),
        ],
        {
            let mut groups = vec![String::new(); head.len()];
            for (at, name) in [(0, "Young Person"), (7, "Case"), (9, "Legal"), (14, "Assessment"), (21, "Offences")] {
                groups[at] = name.into();
            }
            groups
        },
        head.map(str::to_owned).to_vec(),
    ];
    let mut total_pence = 0u32;
    for (i, c) in children.iter().enumerate() {
        let (first, last) = names
            .iter()
            .find(|(n, _, _)| *n == i)
            .map_or((c.first.to_owned(), c.last.to_uppercase()), |(_, f, l)| ((*f).into(), (*l).into()));
        let (surname, forename) = c.worker.0.split_once(' ').map(|(f, s)| (s, f)).unwrap();
        let awaiting = c.order == "BAIL";
        let legal = match c.order {
            "YRO" => format!("YRO - {} mths", c.order_months.unwrap()),
            "RO" => format!("Referral Order - {} mths", c.order_months.unwrap()),
            "DTO" => "DTO – 4 mths".into(),
            _ => "Pre-Sentence (PSR requested)".into(),
        };
        // Every ninth child's order has ended since the last extract.
        let closed = !awaiting && i % 9 == 4;
        let status = match (awaiting, closed, i % 3) {
            (true, _, _) => "OPEN (PSR due)".to_owned(),
            (_, true, _) => format!("Closed {} (transferred out)", dmon(c.order_start + Days::new(5))),
            (_, _, 0) => "Open - Court Order".into(),
            _ => "open - court order ".into(),
        };
        let mappa = c.mappa.map(|(cat, lvl)| format!("Cat {cat} / Lvl {lvl}")).unwrap_or_default();
        let list = |f: &dyn Fn(&Offence) -> String| c.offences.iter().map(f).collect::<Vec<_>>().join("|");
        let pence = 2500 * (i as u32 % 4);
        total_pence += pence;
        let address = if i == 7 { "Flat 2; Rose Court".to_owned() } else { c.address.clone() };
        rows.push(vec![
            format!("{:06}", c.number),
            first,
            last,
            dmon(c.dob),
            c.gender.into(),
            address,
            c.postcode.clone(),
            format!("{surname}, {forename}"),
            c.worker.1.into(),
            legal,
            if awaiting { String::new() } else { dmon(c.order_start) },
            "Northfield Youth Court".into(),
            c.hearing.map(dmon).unwrap_or_default(),
            status,
            dmon(c.assessment),
            c.score.to_string(),
            level(c.levels[0]).into(),
            level(c.levels[1]).into(),
            level(c.levels[2]).into(),
            mappa,
            c.meetings.iter().map(|m| dmon(*m)).collect::<Vec<_>>().join("|"),
            list(&|o| o.1.to_owned()),
            list(&|o| dmon(o.0)),
            list(&|o| o.2.to_owned()),
            list(&|o| if o.3 { "Y" } else { "N" }.to_owned()),
            c.carer.0.clone(),
            c.carer.1.into(),
            c.carer.2.clone(),
            format!("£{}.{:02}", pence / 100, pence % 100),
        ]);
    }
    let mut totals = vec![String::new(); head.len()];
    totals[0] = format!("Total: {} young people", children.len());
    totals[head.len() - 1] = format!("£{}.{:02}", total_pence / 100, total_pence % 100);
    rows.push(totals);
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .flexible(true)
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    for r in &rows {
        w.write_record(r).unwrap();
    }
    let text = String::from_utf8(w.into_inner().unwrap()).unwrap();
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(&text);
    assert!(!unmappable, "the YOIS sample is all Windows-1252");
    ("YJ07b_OpenCases_30-Nov-2026.csv", bytes.into_owned())
}
