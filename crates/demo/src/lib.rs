//! A realistic demo deployment: the Guyana agencies of the 2016 training that Haven grew from,
//! one user for every role, and about 300 fictional cases generated here. No real person's data:
//! names are common given names and surnames combined at random, numbers are made up, and the
//! stories are composed from the typical patterns of `shared/domain.md` (sexual exploitation in
//! the interior mining communities, forced labour in mining and logging, domestic servitude,
//! children working in shops and markets, forced begging, forced marriage).
//!
//! Every case fills the HTCDS model: the person, the victim context, the case fields, a route of
//! one to three trafficking events, up to two perpetrators, a few case notes and, for closed
//! cases, a closure reason and note. Generation is deterministic (SplitMix64): every demo database
//! holds the same people and stories, dated relative to the day it is loaded.
use haven_core::platform::seed::{SeedCase, SeedScreening, SeedStatus, SeedUser};
use haven_core::{Haven, Origin, Result};
use haven_domain::record::{
    CaseData, CaseRecord, EventData, IdentityDocument, PerpetratorData, PersonData, VictimData,
    years_between,
};
use haven_domain::{AgencyId, AgencyType, CaseId, CaseStatus, Role, UserId};
use haven_store::agencies::AgencyRow;
use time::Date;

/// The password of every demo account (printed by `haven demo`).
pub const DEMO_PASSWORD: &str = "haven-demo-2026";
/// The TOTP keys of the demo admin and coordinator, whose roles require a second factor.
pub const DEMO_TOTP_ADMIN: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
pub const DEMO_TOTP_COORDINATOR: &str = "KRUGKIDROVUWG2ZAMJZG653OEBTG66BA";

const SEED: u64 = 0x0048_4156_454e;
const DAY: i64 = 86_400;

/// Deterministic generator (SplitMix64), so every demo database looks the same.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    /// A whole number in `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1).max(1) as usize) as i64
    }
    /// One item, in proportion to its weight.
    fn weighted<T: Copy>(&mut self, items: &[(T, u32)]) -> T {
        let total: u32 = items.iter().map(|(_, w)| w).sum();
        let mut n = self.below(total as usize) as u32;
        for (item, w) in items {
            if n < *w {
                return *item;
            }
            n -= w;
        }
        items[items.len() - 1].0
    }
    /// Each code with its own probability (percent).
    fn some_of(&mut self, items: &[(&'static str, u64)]) -> Vec<String> {
        items
            .iter()
            .filter(|(_, p)| self.chance(*p))
            .map(|(c, _)| c.to_string())
            .collect()
    }
}

struct DemoAgency {
    name: &'static str,
    kind: AgencyType,
    region: &'static str,
    coordination: bool,
}

const AGENCIES: &[DemoAgency] = &[
    DemoAgency {
        name: "Ministry of Human Services and Social Security — Counter-Trafficking in Persons Unit",
        kind: AgencyType::CentralGovernmentOrganisation,
        region: "GY-DE",
        coordination: true,
    },
    DemoAgency {
        name: "Ministry of Labour",
        kind: AgencyType::CentralGovernmentOrganisation,
        region: "GY-DE",
        coordination: true,
    },
    DemoAgency {
        name: "Ministry of Communities",
        kind: AgencyType::CentralGovernmentOrganisation,
        region: "GY-DE",
        coordination: true,
    },
    DemoAgency {
        name: "Child Care and Protection Agency",
        kind: AgencyType::CentralGovernmentOrganisation,
        region: "GY-DE",
        coordination: true,
    },
    DemoAgency {
        name: "Indigenous Peoples' Commission",
        kind: AgencyType::CentralGovernmentOrganisation,
        region: "GY-UT",
        coordination: true,
    },
    DemoAgency {
        name: "Guyana Forestry Commission",
        kind: AgencyType::CentralGovernmentOrganisation,
        region: "GY-PT",
        coordination: true,
    },
    DemoAgency {
        name: "Guyana Geology and Mines Commission",
        kind: AgencyType::CentralGovernmentOrganisation,
        region: "GY-CU",
        coordination: true,
    },
    DemoAgency {
        name: "Guyana Police Force — TIP Unit",
        kind: AgencyType::LawEnforcement,
        region: "GY-DE",
        coordination: true,
    },
    DemoAgency {
        name: "Help & Shelter",
        kind: AgencyType::Ngo,
        region: "GY-DE",
        coordination: false,
    },
    DemoAgency {
        name: "Food for the Poor Guyana",
        kind: AgencyType::Ngo,
        region: "GY-DE",
        coordination: true,
    },
    DemoAgency {
        name: "IOM Guyana",
        kind: AgencyType::Ngo,
        region: "GY-DE",
        coordination: false,
    },
];

/// (username, full name, role, agency index)
const USERS: &[(&str, &str, Role, usize)] = &[
    ("admin", "Demo Administrator", Role::Admin, 0),
    ("coordinator", "Demo NRM Coordinator", Role::Coordinator, 0),
    (
        "caseworker",
        "Demo Case Worker (Help & Shelter)",
        Role::CaseWorker,
        8,
    ),
    ("childcare", "Demo Case Worker (CPA)", Role::CaseWorker, 3),
    ("screener", "Demo Mines Officer", Role::Screener, 6),
    ("inspector", "Demo Labour Inspector", Role::Screener, 1),
    (
        "provider",
        "Demo Service Provider",
        Role::ServiceProvider,
        9,
    ),
    ("analyst", "Demo Analyst", Role::Analyst, 10),
    ("trainer", "Demo Trainer", Role::Trainer, 10),
    ("auditor", "Demo Auditor", Role::Auditor, 0),
];

// Indices into AGENCIES, for the links between who opens a case and what it is about.
const CTIP_UNIT: usize = 0;
const LABOUR: usize = 1;
const CPA: usize = 3;
const FORESTRY: usize = 5;
const GGMC: usize = 6;
const POLICE: usize = 7;
const HELP_AND_SHELTER: usize = 8;
const FOOD_FOR_THE_POOR: usize = 9;
const IOM: usize = 10;

/// Where demo cases are found when the story does not tie them to one place: weighted towards
/// the interior mining regions (1, 7, 8, 9), as described in `shared/domain.md`.
const DEMO_REGIONS: &[&str] = &[
    "GY-BA", "GY-CU", "GY-CU", "GY-PT", "GY-UT", "GY-DE", "GY-DE", "GY-EB", "GY-ES", "GY-MA",
];

/// Towns and villages of each region, for homes, identification and mailing addresses.
fn towns(region: &str) -> &'static [&'static str] {
    match region {
        "GY-BA" => &[
            "Mabaruma",
            "Port Kaituma",
            "Santa Rosa, Moruca",
            "Matthews Ridge",
        ],
        "GY-PM" => &["Anna Regina", "Charity", "Suddie"],
        "GY-ES" => &["Parika", "Vreed-en-Hoop", "Leonora"],
        "GY-DE" => &["Georgetown", "Georgetown", "Diamond", "Buxton", "Enmore"],
        "GY-MA" => &["Rosignol", "Fort Wellington", "Mahaicony"],
        "GY-EB" => &["New Amsterdam", "Corriverton", "Skeldon", "Port Mourant"],
        "GY-CU" => &["Bartica", "Kamarang", "Kurupung"],
        "GY-PT" => &["Mahdia", "Kato", "Paramakatoi"],
        "GY-UT" => &["Lethem", "Aishalton", "Annai"],
        _ => &["Linden", "Kwakwani", "Ituni"],
    }
}

/// The people a case can concern, with the names and places that go with them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Folk {
    AfroGuyanese,
    IndoGuyanese,
    IndigenousGuyanese,
    Venezuelan,
    Brazilian,
    Cuban,
    Dominican,
    Haitian,
    Colombian,
}

struct FolkData {
    country: &'static str,
    female: &'static [&'static str],
    male: &'static [&'static str],
    surnames: &'static [&'static str],
    /// Home towns: (ISO 3166-2 region in Guyana, a state or province elsewhere; town).
    homes: &'static [(&'static str, &'static str)],
}

// Fictional people: common given names and surnames of the region, combined at random.
#[rustfmt::skip]
const AFRO: FolkData = FolkData {
    country: "GY",
    female: &[
        "Keisha", "Shanice", "Tamika", "Latoya", "Aaliyah", "Shondell", "Natasha", "Tiffany",
        "Candace", "Simone", "Ayanna", "Melissa", "Onika", "Sharmaine", "Nicola", "Tonya",
    ],
    male: &[
        "Andre", "Devon", "Marlon", "Shawn", "Kevin", "Deon", "Troy", "Omari", "Jamal", "Dwayne",
        "Leon", "Colin", "Kwame", "Ryan", "Rondell", "Shaquille",
    ],
    surnames: &[
        "Williams", "Thomas", "Charles", "Fraser", "Henry", "James", "Joseph", "Adams",
        "Benjamin", "Cummings", "Gordon", "Hinds", "Jordan", "London", "McPherson", "Alleyne",
        "Barker", "Greene", "Wilson", "Fung-A-Fat", "Bacchus", "Sandiford",
    ],
    homes: &[
        ("GY-DE", "Georgetown"),
        ("GY-DE", "Buxton"),
        ("GY-UD", "Linden"),
        ("GY-EB", "New Amsterdam"),
        ("GY-MA", "Fort Wellington"),
        ("GY-ES", "Vreed-en-Hoop"),
    ],
};
#[rustfmt::skip]
const INDO: FolkData = FolkData {
    country: "GY",
    female: &[
        "Priya", "Savitri", "Kamla", "Indira", "Shivani", "Anjali", "Reshma", "Sunita", "Bibi",
        "Nandranie", "Vidya", "Shalini", "Parbattie", "Rookmin",
    ],
    male: &[
        "Ravi", "Vishnu", "Rohan", "Ramesh", "Anil", "Deoraj", "Suresh", "Naresh", "Rajesh",
        "Imran", "Farouk", "Kumar", "Sanjay", "Terrence",
    ],
    surnames: &[
        "Persaud", "Singh", "Ramdass", "Ali", "Khan", "Mohamed", "Sookdeo", "Ramsaroop", "Baksh",
        "Narine", "Seepersaud", "Rampersaud", "Bissoon", "Harripaul", "Dookhan", "Ramnarine",
    ],
    homes: &[
        ("GY-EB", "Port Mourant"),
        ("GY-EB", "Skeldon"),
        ("GY-PM", "Anna Regina"),
        ("GY-PM", "Suddie"),
        ("GY-ES", "Leonora"),
        ("GY-MA", "Mahaicony"),
        ("GY-DE", "Enmore"),
    ],
};
#[rustfmt::skip]
const INDIGENOUS: FolkData = FolkData {
    country: "GY",
    female: &[
        "Annette", "Delphine", "Cheryl", "Marcia", "Joycelyn", "Roxanne", "Yolanda", "Abigail",
        "Charmaine", "Elvira", "Lorraine", "Verlyn", "Shirley", "Romona",
    ],
    male: &[
        "Lennox", "Clement", "Desmond", "Everton", "Kenroy", "Nigel", "Orin", "Romel", "Alvin",
        "Cecil", "Elroy", "Jonathan", "Mervyn", "Timothy",
    ],
    surnames: &[
        "Allicock", "Jeffrey", "Williams", "Andrews", "Fredericks", "Edwards", "James",
        "Abraham", "De Souza", "Melville", "Charlie", "Isaacs", "Simon", "Ambrose", "Peters",
        "Daniels", "Alfred", "La Rose", "Domingo",
    ],
    homes: &[
        ("GY-BA", "Santa Rosa, Moruca"),
        ("GY-BA", "Kwebanna"),
        ("GY-BA", "Hosororo"),
        ("GY-PT", "Paramakatoi"),
        ("GY-PT", "Kato"),
        ("GY-UT", "Aishalton"),
        ("GY-UT", "Annai"),
        ("GY-UT", "Karasabai"),
        ("GY-CU", "Kamarang"),
    ],
};
#[rustfmt::skip]
const VENEZUELAN: FolkData = FolkData {
    country: "VE",
    female: &[
        "María", "Yolanda", "Daniela", "Andreína", "Marisol", "Gabriela", "Yusmary", "Yelitza",
        "Génesis", "Dayana", "Karelis", "Mariángel", "Yuliana", "Rosa", "Carmen", "Luisa",
        "Oriana", "Ana",
    ],
    male: &[
        "José", "Luis", "Carlos", "Jorge", "Yonder", "Wilmer", "Jesús", "Ender", "Yorman",
        "Jhonny", "Franklin", "Kelvin", "Ángel", "Freddy", "Orlando",
    ],
    surnames: &[
        "González", "Rodríguez", "Pérez", "Hernández", "Castillo", "Ramírez", "Morales", "Rojas",
        "Guzmán", "Medina", "Salazar", "Marcano", "Brito", "Lezama", "Figueroa", "Subero",
    ],
    homes: &[
        ("Bolívar", "Tumeremo"),
        ("Bolívar", "El Callao"),
        ("Bolívar", "San Félix"),
        ("Bolívar", "Ciudad Bolívar"),
        ("Bolívar", "Upata"),
        ("Delta Amacuro", "Tucupita"),
        ("Monagas", "Maturín"),
        ("Sucre", "Cumaná"),
        ("Anzoátegui", "Barcelona"),
    ],
};
#[rustfmt::skip]
const BRAZILIAN: FolkData = FolkData {
    country: "BR",
    female: &[
        "Fernanda", "Juliana", "Luana", "Thaís", "Jéssica", "Raimunda", "Francisca", "Larissa",
        "Priscila", "Ana Paula",
    ],
    male: &[
        "João", "Pedro", "Francisco", "Raimundo", "Antônio", "Marcos", "Reginaldo", "Cleiton",
        "Edivaldo", "Wellington",
    ],
    surnames: &[
        "da Silva", "dos Santos", "Oliveira", "Souza", "Lima", "Pereira", "Costa", "Ferreira",
        "Almeida", "Nascimento", "Araújo", "Carvalho", "Fernandes",
    ],
    homes: &[
        ("Roraima", "Boa Vista"),
        ("Roraima", "Bonfim"),
        ("Amazonas", "Manaus"),
        ("Pará", "Belém"),
        ("Maranhão", "São Luís"),
    ],
};
#[rustfmt::skip]
const CUBAN: FolkData = FolkData {
    country: "CU",
    female: &[
        "Yusleidy", "Yaimara", "Dayami", "Yanet", "Odalys", "Mailén", "Lisandra", "Yudith",
    ],
    male: &["Yoandry", "Yosvany", "Reinier", "Alexei", "Osmany", "Yunior"],
    surnames: &[
        "Fernández", "Díaz", "Martínez", "Rodríguez", "Pérez", "Cabrera", "Valdés", "Quintero",
    ],
    homes: &[
        ("La Habana", "La Habana"),
        ("Santiago de Cuba", "Santiago de Cuba"),
        ("Holguín", "Holguín"),
        ("Camagüey", "Camagüey"),
    ],
};
#[rustfmt::skip]
const DOMINICAN: FolkData = FolkData {
    country: "DO",
    female: &[
        "Yokasta", "Rosanna", "Altagracia", "Yaneiry", "Leidy", "Massiel", "Wanda", "Francheska",
    ],
    male: &["Ramón", "Wander", "Rafael", "Yeison", "Juan Carlos"],
    surnames: &[
        "Reyes", "Peña", "Santana", "Mejía", "Almonte", "Rosario", "De la Cruz", "Tavárez",
        "Batista",
    ],
    homes: &[
        ("Distrito Nacional", "Santo Domingo"),
        ("Santiago", "Santiago de los Caballeros"),
        ("San Pedro de Macorís", "San Pedro de Macorís"),
    ],
};
#[rustfmt::skip]
const HAITIAN: FolkData = FolkData {
    country: "HT",
    female: &[
        "Marie", "Nadège", "Widline", "Rose-Merline", "Guerline", "Fabienne", "Islande",
    ],
    male: &["Jean", "Wilner", "Frantz", "Jean-Robert", "Peterson", "Wisly", "Dieuseul"],
    surnames: &[
        "Baptiste", "Joseph", "Pierre", "Jean-Louis", "Louis", "Dorvil", "Exantus",
        "Saint-Fleur", "Désir",
    ],
    homes: &[
        ("Ouest", "Port-au-Prince"),
        ("Nord", "Cap-Haïtien"),
        ("Artibonite", "Gonaïves"),
    ],
};
#[rustfmt::skip]
const COLOMBIAN: FolkData = FolkData {
    country: "CO",
    female: &["Leidy", "Yurani", "Paola", "Johana", "Diana", "Luz Marina"],
    male: &["Jhon", "Yeferson", "Wilson", "Hernán", "Duván"],
    surnames: &[
        "Gómez", "López", "Cárdenas", "Ospina", "Restrepo", "Quintero", "Arango", "Bedoya",
    ],
    homes: &[
        ("Norte de Santander", "Cúcuta"),
        ("Valle del Cauca", "Cali"),
        ("Bogotá", "Bogotá"),
    ],
};

impl Folk {
    fn data(self) -> &'static FolkData {
        match self {
            Folk::AfroGuyanese => &AFRO,
            Folk::IndoGuyanese => &INDO,
            Folk::IndigenousGuyanese => &INDIGENOUS,
            Folk::Venezuelan => &VENEZUELAN,
            Folk::Brazilian => &BRAZILIAN,
            Folk::Cuban => &CUBAN,
            Folk::Dominican => &DOMINICAN,
            Folk::Haitian => &HAITIAN,
            Folk::Colombian => &COLOMBIAN,
        }
    }
    fn guyanese(self) -> bool {
        self.data().country == "GY"
    }
    /// Where they cross into Guyana: (region, place).
    fn entry_points(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Folk::Venezuelan => &[
                ("GY-CU", "Eteringbang"),
                ("GY-BA", "Mabaruma"),
                ("GY-BA", "Morawhanna"),
            ],
            Folk::Brazilian => &[("GY-UT", "Lethem")],
            _ => &[("GY-DE", "Cheddi Jagan International Airport, Timehri")],
        }
    }
    /// (primary, secondary) language, ISO 639-2.
    fn languages(self, g: &mut Gen, home: &str) -> (&'static str, &'static str) {
        match self {
            Folk::AfroGuyanese | Folk::IndoGuyanese => {
                if g.chance(45) {
                    ("cpe", "eng")
                } else if self == Folk::IndoGuyanese && g.chance(8) {
                    ("eng", "hin")
                } else {
                    ("eng", if g.chance(30) { "cpe" } else { "" })
                }
            }
            Folk::IndigenousGuyanese => {
                // Lokono (Arawak) and Kari'na (Carib) communities of Region 1; the other
                // Indigenous languages of Guyana have no ISO 639-2 code of their own.
                let native = match home {
                    "Santa Rosa, Moruca" | "Hosororo" => "arw",
                    "Kwebanna" => "car",
                    _ => "",
                };
                if !native.is_empty() && g.chance(50) {
                    (native, "eng")
                } else {
                    (if g.chance(50) { "cpe" } else { "eng" }, native)
                }
            }
            Folk::Venezuelan | Folk::Cuban | Folk::Colombian => {
                ("spa", if g.chance(10) { "eng" } else { "" })
            }
            Folk::Dominican => ("spa", if g.chance(15) { "eng" } else { "" }),
            Folk::Brazilian => ("por", if g.chance(15) { "spa" } else { "" }),
            Folk::Haitian => ("hat", if g.chance(50) { "fra" } else { "spa" }),
        }
    }
}

/// The kinds of case the demo tells, each with fields consistent with its story.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Profile {
    /// Women and girls in the bars and "backdam" camps of the interior mining communities.
    MiningSex,
    /// Men in gold mining: pits, dredges and landings.
    MiningLabour,
    /// Logging concessions.
    Logging,
    /// Domestic servitude, mostly in and around Georgetown.
    Domestic,
    /// Children working in shops and markets.
    ChildTrade,
    ForcedBegging,
    ForcedMarriage,
}

/// A place where people are exploited, and the hub they pass through to get there.
struct Site {
    region: &'static str,
    place: &'static str,
    hub: Option<(&'static str, &'static str)>,
}

const fn site(region: &'static str, place: &'static str) -> Site {
    Site {
        region,
        place,
        hub: None,
    }
}

const fn via(region: &'static str, place: &'static str, hub: (&'static str, &'static str)) -> Site {
    Site {
        region,
        place,
        hub: Some(hub),
    }
}

const LINDEN: (&str, &str) = ("GY-UD", "Linden");
const PARIKA: (&str, &str) = ("GY-ES", "Parika");
const BARTICA: (&str, &str) = ("GY-CU", "Bartica");
const PORT_KAITUMA: (&str, &str) = ("GY-BA", "Port Kaituma");
const LETHEM: (&str, &str) = ("GY-UT", "Lethem");

const MINING_SITES: &[Site] = &[
    via("GY-PT", "Mahdia", LINDEN),
    via("GY-PT", "Mahdia", LINDEN),
    via("GY-PT", "Tumatumari landing", LINDEN),
    via("GY-PT", "Konawaruk backdam", ("GY-PT", "Mahdia")),
    via("GY-CU", "Bartica", PARIKA),
    via("GY-CU", "Puruni backdam", BARTICA),
    via("GY-CU", "Kurupung landing", BARTICA),
    via("GY-CU", "Imbaimadai", BARTICA),
    site("GY-CU", "Eteringbang"),
    site("GY-BA", "Port Kaituma"),
    via("GY-BA", "Arakaka", PORT_KAITUMA),
    via("GY-BA", "Matthews Ridge", PORT_KAITUMA),
    via("GY-BA", "Baramita backdam", PORT_KAITUMA),
    via("GY-UT", "Marudi Mountain", LETHEM),
    via("GY-UT", "Aishalton", LETHEM),
];
const LOGGING_SITES: &[Site] = &[
    via("GY-UD", "logging camp near Ituni", LINDEN),
    via("GY-UD", "logging camp near Kwakwani", LINDEN),
    site("GY-EB", "concession on the upper Berbice River"),
    via("GY-BA", "concession on the Barama River", PORT_KAITUMA),
    via("GY-CU", "concession up the Essequibo from Bartica", PARIKA),
    site("GY-PM", "sawmill on the Pomeroon River"),
    via("GY-PT", "logging camp near Mahdia", LINDEN),
];
const HOUSEHOLD_SITES: &[Site] = &[
    site("GY-DE", "Georgetown"),
    site("GY-DE", "Georgetown"),
    site("GY-DE", "Georgetown"),
    site("GY-DE", "Diamond, East Bank Demerara"),
    site("GY-DE", "Providence, East Bank Demerara"),
    site("GY-ES", "Vreed-en-Hoop"),
    site("GY-EB", "New Amsterdam"),
    site("GY-UD", "Linden"),
    via("GY-CU", "Bartica", PARIKA),
];
const MARKET_SITES: &[Site] = &[
    site("GY-DE", "Stabroek Market, Georgetown"),
    site("GY-DE", "Bourda Market, Georgetown"),
    site("GY-DE", "a grocery on the East Coast Demerara"),
    site("GY-ES", "Parika market"),
    site("GY-EB", "New Amsterdam market"),
    site("GY-EB", "Corriverton"),
    site("GY-PM", "Anna Regina"),
    via("GY-CU", "Bartica waterfront", PARIKA),
    site("GY-UT", "Lethem"),
    site("GY-MA", "Rosignol stelling"),
];
const BEGGING_SITES: &[Site] = &[
    site("GY-DE", "Georgetown city centre"),
    site("GY-DE", "around Stabroek Market, Georgetown"),
    site("GY-EB", "New Amsterdam"),
    site("GY-BA", "Mabaruma"),
    site("GY-UD", "Linden"),
];

impl Profile {
    fn folks(self) -> &'static [(Folk, u32)] {
        use Folk::*;
        match self {
            Profile::MiningSex => &[
                (AfroGuyanese, 16),
                (IndoGuyanese, 8),
                (IndigenousGuyanese, 22),
                (Venezuelan, 32),
                (Brazilian, 9),
                (Dominican, 6),
                (Cuban, 4),
                (Colombian, 3),
            ],
            Profile::MiningLabour => &[
                (AfroGuyanese, 24),
                (IndoGuyanese, 8),
                (IndigenousGuyanese, 16),
                (Venezuelan, 32),
                (Brazilian, 18),
                (Colombian, 2),
            ],
            Profile::Logging => &[
                (AfroGuyanese, 20),
                (IndoGuyanese, 8),
                (IndigenousGuyanese, 45),
                (Brazilian, 12),
                (Venezuelan, 15),
            ],
            Profile::Domestic => &[
                (AfroGuyanese, 14),
                (IndoGuyanese, 16),
                (IndigenousGuyanese, 25),
                (Venezuelan, 25),
                (Cuban, 8),
                (Haitian, 7),
                (Dominican, 5),
            ],
            Profile::ChildTrade => &[
                (AfroGuyanese, 25),
                (IndoGuyanese, 22),
                (IndigenousGuyanese, 18),
                (Venezuelan, 35),
            ],
            Profile::ForcedBegging => &[
                (Venezuelan, 55),
                (AfroGuyanese, 20),
                (IndoGuyanese, 5),
                (IndigenousGuyanese, 10),
                (Haitian, 10),
            ],
            Profile::ForcedMarriage => &[
                (IndigenousGuyanese, 45),
                (IndoGuyanese, 30),
                (AfroGuyanese, 10),
                (Venezuelan, 15),
            ],
        }
    }

    fn sites(self) -> &'static [Site] {
        match self {
            Profile::MiningSex | Profile::MiningLabour => MINING_SITES,
            Profile::Logging => LOGGING_SITES,
            Profile::Domestic => HOUSEHOLD_SITES,
            Profile::ChildTrade => MARKET_SITES,
            Profile::ForcedBegging => BEGGING_SITES,
            // Chosen from the regions instead, see `demo_case`.
            Profile::ForcedMarriage => &[],
        }
    }

    /// The share of cases about a child (percent), and the age ranges of children and adults.
    fn ages(self) -> (u64, (i64, i64), (i64, i64)) {
        match self {
            Profile::MiningSex => (15, (13, 17), (18, 34)),
            Profile::MiningLabour => (6, (15, 17), (18, 55)),
            Profile::Logging => (6, (15, 17), (18, 58)),
            Profile::Domestic => (18, (12, 17), (18, 50)),
            Profile::ChildTrade => (100, (10, 17), (18, 18)),
            Profile::ForcedBegging => (45, (6, 15), (18, 60)),
            Profile::ForcedMarriage => (50, (13, 17), (18, 22)),
        }
    }

    /// How long the exploitation lasted before identification (days).
    fn duration(self) -> (i64, i64) {
        match self {
            Profile::MiningSex => (14, 420),
            Profile::MiningLabour => (30, 720),
            Profile::Logging => (30, 540),
            Profile::Domestic => (90, 1500),
            Profile::ChildTrade => (30, 720),
            Profile::ForcedBegging => (20, 400),
            Profile::ForcedMarriage => (60, 900),
        }
    }

    fn methods_of_control(self, foreign: bool) -> Vec<(&'static str, u64)> {
        let mut v: Vec<(&'static str, u64)> = match self {
            Profile::MiningSex => vec![
                ("FalsePromises", 80),
                ("DebtBondage", 70),
                ("TakesEarnings", 50),
                ("PhysicalThreats", 40),
                ("SexualAbuse", 30),
                ("PsychoactiveSubstance", 20),
                ("RestrictsFinancialAccess", 20),
                ("PsychologicalAbuse", 30),
                ("RestrictsMedicalCare", 10),
                ("ExcessiveWorkingHours", 30),
            ],
            Profile::MiningLabour => vec![
                ("DebtBondage", 75),
                ("FalsePromises", 50),
                ("TakesEarnings", 55),
                ("ExcessiveWorkingHours", 70),
                ("WithholdsNecessities", 35),
                ("RestrictsMedicalCare", 25),
                ("PhysicalThreats", 30),
                ("PhysicalAbuse", 10),
            ],
            Profile::Logging => vec![
                ("DebtBondage", 60),
                ("TakesEarnings", 60),
                ("ExcessiveWorkingHours", 70),
                ("WithholdsNecessities", 40),
                ("RestrictsMedicalCare", 30),
                ("FalsePromises", 40),
                ("PhysicalThreats", 20),
            ],
            Profile::Domestic => vec![
                ("ExcessiveWorkingHours", 80),
                ("TakesEarnings", 60),
                ("RestrictsFinancialAccess", 40),
                ("PsychologicalAbuse", 50),
                ("PhysicalAbuse", 25),
                ("FalsePromises", 50),
                ("ThreatensChildrenFamily", 15),
                ("SexualAbuse", 10),
            ],
            Profile::ChildTrade => vec![
                ("ExcessiveWorkingHours", 80),
                ("TakesEarnings", 40),
                ("WithholdsNecessities", 30),
                ("PsychologicalAbuse", 25),
                ("PhysicalAbuse", 20),
                ("FalsePromises", 30),
            ],
            Profile::ForcedBegging => vec![
                ("PhysicalAbuse", 50),
                ("TakesEarnings", 80),
                ("PhysicalThreats", 40),
                ("WithholdsNecessities", 40),
                ("PsychologicalAbuse", 30),
            ],
            Profile::ForcedMarriage => vec![
                ("PsychologicalAbuse", 60),
                ("SexualAbuse", 50),
                ("PhysicalAbuse", 40),
                ("RestrictsFinancialAccess", 40),
                ("ThreatensChildrenFamily", 20),
                ("ExcessiveWorkingHours", 40),
            ],
        };
        if foreign {
            v.push(("ThreatsLawEnforcement", 30));
        }
        v
    }

    fn recruitment(self) -> &'static [(&'static str, u64)] {
        match self {
            Profile::MiningSex => &[
                ("ThroughFriendsOrSocialEvents", 45),
                ("ThroughOnlineSocialNetworks", 35),
                ("AtAPlaceOfBusiness", 15),
                ("ThroughFamilyOrFamilyEvents", 10),
                ("ThroughAnOnlineAdvertisement", 8),
            ],
            Profile::MiningLabour => &[
                ("AtWork", 30),
                ("ThroughFriendsOrSocialEvents", 40),
                ("AtAPlaceOfBusiness", 20),
                ("ThroughOnlineSocialNetworks", 20),
                ("ThroughANewspaperAdvert", 5),
            ],
            Profile::Logging => &[
                ("AtWork", 30),
                ("ThroughFriendsOrSocialEvents", 35),
                ("ThroughFamilyOrFamilyEvents", 20),
                ("Other", 8),
            ],
            Profile::Domestic => &[
                ("ThroughFamilyOrFamilyEvents", 50),
                ("ThroughFriendsOrSocialEvents", 30),
                ("ThroughOnlineSocialNetworks", 15),
                ("ThroughANewspaperAdvert", 5),
            ],
            Profile::ChildTrade => &[
                ("ThroughFamilyOrFamilyEvents", 60),
                ("ThroughFriendsOrSocialEvents", 30),
                ("AtAnEducationalInstitution", 5),
            ],
            Profile::ForcedBegging => &[
                ("ThroughFamilyOrFamilyEvents", 60),
                ("ThroughFriendsOrSocialEvents", 30),
            ],
            Profile::ForcedMarriage => &[("ThroughFamilyOrFamilyEvents", 95)],
        }
    }

    /// How the victim knew the recruiter or main trafficker.
    fn relations(self) -> &'static [(&'static str, u32)] {
        match self {
            Profile::MiningSex => &[("Acquainted", 50), ("Unaquainted", 40), ("Familial", 10)],
            Profile::MiningLabour | Profile::Logging => {
                &[("Acquainted", 45), ("Unaquainted", 50), ("Familial", 5)]
            }
            Profile::Domestic => &[("Familial", 45), ("Acquainted", 45), ("Unaquainted", 10)],
            Profile::ChildTrade => &[("Familial", 40), ("Acquainted", 50), ("Unaquainted", 10)],
            Profile::ForcedBegging => &[("Familial", 60), ("Acquainted", 30), ("Unaquainted", 10)],
            Profile::ForcedMarriage => &[("Familial", 90), ("Acquainted", 10)],
        }
    }
}

/// Which stories each opening agency tends to see.
fn profiles_for(agency: usize) -> &'static [(Profile, u32)] {
    use Profile::*;
    match agency {
        LABOUR => &[
            (MiningLabour, 30),
            (Logging, 25),
            (Domestic, 12),
            (ChildTrade, 25),
            (MiningSex, 8),
        ],
        CPA => &[
            (ChildTrade, 35),
            (ForcedBegging, 20),
            (MiningSex, 25),
            (Domestic, 12),
            (ForcedMarriage, 8),
        ],
        GGMC => &[(MiningSex, 50), (MiningLabour, 42), (Logging, 8)],
        HELP_AND_SHELTER => &[
            (MiningSex, 45),
            (Domestic, 25),
            (ForcedMarriage, 8),
            (ForcedBegging, 8),
            (MiningLabour, 14),
        ],
        _ => &[
            (MiningSex, 32),
            (MiningLabour, 18),
            (Logging, 8),
            (Domestic, 16),
            (ChildTrade, 12),
            (ForcedBegging, 8),
            (ForcedMarriage, 6),
        ],
    }
}

/// Everything one demo case is made of, generated before anything is written.
struct DemoCase {
    profile: Profile,
    record: CaseRecord,
    events: Vec<EventData>,
    perpetrators: Vec<PerpetratorData>,
    /// (time, body), in order, between opening and the status change (or now).
    notes: Vec<(i64, String)>,
    status: CaseStatus,
    /// When the status was set (closure, follow-up); the opening time for active cases.
    status_at: i64,
    /// (`hvn_ClosureReason` code, note) for closed cases.
    closure: Option<(&'static str, String)>,
    /// Another agency the case was referred to (closed as referred).
    referred_to: Option<usize>,
}

fn date_of(ts: i64) -> Date {
    time::OffsetDateTime::from_unix_timestamp(ts)
        .map(|t| t.date())
        .unwrap_or(time::macros::date!(2026 - 01 - 01))
}

fn days_before(d: Date, days: i64) -> Date {
    d.checked_sub(time::Duration::days(days)).unwrap_or(d)
}

fn ymd(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

fn digits(g: &mut Gen, n: usize) -> String {
    (0..n)
        .map(|_| char::from(b'0' + g.below(10) as u8))
        .collect()
}

fn letter(g: &mut Gen) -> char {
    char::from(b'A' + g.below(26) as u8)
}

/// Lower-case ASCII of a name, for made-up e-mail addresses.
fn ascii_fold(s: &str) -> String {
    s.chars()
        .filter_map(|c| {
            let c = c.to_lowercase().next().unwrap_or(c);
            Some(match c {
                'á' | 'à' | 'â' | 'ã' => 'a',
                'é' | 'ê' | 'è' => 'e',
                'í' => 'i',
                'ó' | 'ô' | 'õ' => 'o',
                'ú' | 'ü' => 'u',
                'ñ' => 'n',
                'ç' => 'c',
                c if c.is_ascii_alphanumeric() => c,
                _ => return None,
            })
        })
        .collect()
}

/// A mobile number: Guyanese for most people in Guyana, else from home.
fn phone(g: &mut Gen, country: &str) -> String {
    let local = country == "GY" || g.chance(55);
    if local {
        return format!("+592 6{} {}", digits(g, 2), digits(g, 4));
    }
    match country {
        "VE" => format!(
            "+58 {} {} {}",
            g.pick(&["412", "414", "416", "424", "426"]),
            digits(g, 3),
            digits(g, 4)
        ),
        "BR" => format!("+55 95 9{}-{}", digits(g, 4), digits(g, 4)),
        "CU" => format!("+53 5{} {}", digits(g, 3), digits(g, 4)),
        "DO" => format!(
            "+1 {} {} {}",
            g.pick(&["809", "829", "849"]),
            digits(g, 3),
            digits(g, 4)
        ),
        "HT" => format!("+509 3{} {}", digits(g, 3), digits(g, 4)),
        _ => format!("+57 3{} {} {}", digits(g, 2), digits(g, 3), digits(g, 4)),
    }
}

/// Identity documents held (made-up numbers).
fn documents(g: &mut Gen, country: &'static str, child: bool) -> Vec<IdentityDocument> {
    let doc = |t: &str, n: String| IdentityDocument {
        document_type: t.into(),
        document_number: n,
        issuing_country: country.into(),
    };
    let mut docs = Vec::new();
    let passport = match country {
        "GY" => format!("GY-R{}", digits(g, 7)),
        "VE" => format!("VE-{}{}", letter(g), digits(g, 7)),
        "BR" => format!("BR-F{}{}", letter(g), digits(g, 6)),
        "CU" => format!("CU-K{}", digits(g, 7)),
        "DO" => format!("DO-SC{}", digits(g, 7)),
        "HT" => format!("HT-R{}", digits(g, 7)),
        _ => format!("CO-AT{}", digits(g, 6)),
    };
    let national = match country {
        "GY" => digits(g, 9),
        "VE" => format!("V-{}.{}.{}", 10 + g.below(20), digits(g, 3), digits(g, 3)),
        "BR" => format!(
            "RG {}.{}.{}-{}",
            1 + g.below(9),
            digits(g, 3),
            digits(g, 3),
            digits(g, 1)
        ),
        "DO" => format!("{}-{}-{}", digits(g, 3), digits(g, 7), digits(g, 1)),
        "CO" => format!("CC {}", digits(g, 10)),
        _ => format!("{}{}", letter(g), digits(g, 8)),
    };
    if child && country == "GY" {
        docs.push(doc("BirthCertificate", format!("BC {}", digits(g, 6))));
    } else if child {
        docs.push(doc(
            if g.chance(50) {
                "Passport"
            } else {
                "BirthCertificate"
            },
            if g.chance(50) {
                passport
            } else {
                format!("{}-{}", country, digits(g, 8))
            },
        ));
    } else if g.chance(55) {
        docs.push(doc("NationalIdCard", national));
        if country != "GY" && g.chance(30) {
            docs.push(doc("Passport", passport));
        }
    } else {
        docs.push(doc("Passport", passport));
    }
    if !child && country == "VE" && g.chance(20) {
        // A migrant registration card issued in Guyana.
        docs.push(IdentityDocument {
            document_type: "Other".into(),
            document_number: format!("MRC-{}", digits(g, 6)),
            issuing_country: "GY".into(),
        });
    }
    docs
}

/// A perpetrator's name, or nothing when it is not known.
fn someone(g: &mut Gen, folk: &FolkData) -> String {
    if g.chance(40) {
        return String::new();
    }
    let first = if g.chance(60) {
        g.pick(folk.male)
    } else {
        g.pick(folk.female)
    };
    format!("{first} {}", g.pick(folk.surnames))
}

/// The language of an interpreter, with its article, for those who need one.
fn interpreter(lang: &str) -> Option<&'static str> {
    match lang {
        "spa" => Some("a Spanish"),
        "por" => Some("a Portuguese"),
        "hat" => Some("a Haitian Creole"),
        "arw" => Some("an Arawak (Lokono)"),
        "car" => Some("a Carib (Kari'na)"),
        _ => None,
    }
}

/// How a case reached the opening agency: (`hvn_ReferralSource`, weight).
fn referral_sources(agency: usize) -> &'static [(&'static str, u32)] {
    match agency {
        GGMC => &[
            ("MiningOrForestryOfficer", 70),
            ("Police", 20),
            ("Hotline", 10),
        ],
        LABOUR => &[("LabourInspection", 80), ("Hotline", 10), ("Police", 10)],
        CPA => &[
            ("ChildProtection", 35),
            ("Police", 20),
            ("Ngo", 10),
            ("HealthService", 10),
            ("Hotline", 10),
            ("FamilyOrFriend", 10),
            ("LabourInspection", 5),
        ],
        HELP_AND_SHELTER => &[
            ("Hotline", 25),
            ("Police", 20),
            ("SelfReferral", 15),
            ("FamilyOrFriend", 12),
            ("HealthService", 8),
            ("Ngo", 8),
            ("InternationalOrganisation", 6),
            ("Embassy", 4),
        ],
        _ => &[
            ("Police", 25),
            ("Ngo", 15),
            ("LabourInspection", 10),
            ("MiningOrForestryOfficer", 12),
            ("Hotline", 15),
            ("InternationalOrganisation", 8),
            ("Immigration", 5),
            ("ChildProtection", 5),
            ("Other", 5),
        ],
    }
}

fn region_number(code: &str) -> u8 {
    haven_domain::Region::parse(code)
        .map(|r| r.number)
        .unwrap_or(4)
}

/// A short phrase for a `vic_MethodsOfControl` code, for summaries.
fn control_phrase(g: &mut Gen, code: &str, she: &str, boss: &str) -> Option<String> {
    let she = she.to_lowercase();
    Some(match code {
        "DebtBondage" => format!(
            "told {she} owed GYD {},000 for travel, food and lodging",
            g.range(8, 60) * 10
        ),
        "WithholdsDocuments" => format!("identity documents kept by {boss}"),
        "TakesEarnings" => "earnings taken".into(),
        "PhysicalThreats" => "threatened with violence".into(),
        "ThreatsLawEnforcement" => "threatened with arrest and deportation".into(),
        "ExcessiveWorkingHours" => "worked from early morning to late at night".into(),
        "PsychoactiveSubstance" => "given alcohol and drugs".into(),
        "WithholdsNecessities" => "not given enough food".into(),
        "RestrictsMedicalCare" => "refused medical care".into(),
        "RestrictsFinancialAccess" => "no access to money".into(),
        "ThreatensChildrenFamily" => "told the family would be harmed".into(),
        "PhysicalAbuse" => "beaten".into(),
        _ => return None,
    })
}

/// The facts one case is built around, drawn first so every part of the record agrees.
struct Story {
    profile: Profile,
    folk: Folk,
    child: bool,
    gender: &'static str,
    /// Age at opening.
    age: i64,
    birth: Date,
    /// Only an assessed age, no birth date.
    assessed: bool,
    uncertain: bool,
    home: (&'static str, &'static str),
    /// Where the exploitation took place: (region, place).
    site: (&'static str, &'static str),
    /// Where the recruitment took place: (country, region, place).
    origin: (&'static str, &'static str, &'static str),
    /// Where they passed on the way: (region, place) in Guyana.
    transit: Option<(&'static str, &'static str)>,
    recruited: Date,
    transit_start: Date,
    exploitation_start: Date,
    identified: Date,
    opened: i64,
    trafficking_status: &'static str,
    relation: &'static str,
    has_documents: bool,
    documents_withheld: bool,
}

impl Story {
    fn female(&self) -> bool {
        self.gender != "Masculine"
    }
    fn foreign(&self) -> bool {
        !self.folk.guyanese()
    }
    fn not_a_victim(&self) -> bool {
        self.trafficking_status == "NotAVictimOfTrafficking"
    }
    /// Subject pronoun, capitalised.
    fn she(&self) -> &'static str {
        if self.female() { "She" } else { "He" }
    }
    /// Possessive pronoun.
    fn her(&self) -> &'static str {
        if self.female() { "her" } else { "his" }
    }
}

fn draw_story(g: &mut Gen, agency: usize, opened: i64) -> Story {
    use Profile::*;
    let profile = g.weighted(profiles_for(agency));
    let (child_share, child_ages, adult_ages) = profile.ages();
    let child = agency == CPA || g.chance(child_share);
    let folk = g.weighted(profile.folks());
    let fd = folk.data();
    let foreign = !folk.guyanese();
    let gender = match profile {
        MiningSex if g.chance(4) => "TransgenderFeminine",
        MiningLabour | Logging => "Masculine",
        Domestic if g.chance(12) => "Masculine",
        ChildTrade | ForcedBegging if g.chance(50) => "Masculine",
        _ => "Feminine",
    };
    let (lo, hi) = if child { child_ages } else { adult_ages };
    let age = g.range(lo, hi);
    let opened_d = date_of(opened);
    let birth = days_before(opened_d, age * 365 + age / 4 + g.range(0, 300));
    let age = years_between(birth, opened_d);
    let uncertain = child && g.chance(25);
    // Without documents the age is only assessed.
    let assessed = uncertain || g.chance(4);
    let home = *g.pick(fd.homes);

    let site = if profile == ForcedMarriage {
        let region = if !foreign && g.chance(60) {
            home.0
        } else {
            *g.pick(DEMO_REGIONS)
        };
        (region, *g.pick(towns(region)))
    } else {
        let s = g.pick(profile.sites());
        (s.region, s.place)
    };
    let hub = profile
        .sites()
        .iter()
        .find(|s| (s.region, s.place) == site)
        .and_then(|s| s.hub);
    // Migrants are often recruited once already in Guyana.
    let recruited_in_guyana = !foreign || g.chance(25);
    let origin = if !foreign {
        ("GY", home.0, home.1)
    } else if recruited_in_guyana {
        let (region, town) = match folk {
            Folk::Venezuelan => *g.pick(&[
                ("GY-DE", "Georgetown"),
                ("GY-CU", "Bartica"),
                ("GY-BA", "Mabaruma"),
            ]),
            Folk::Brazilian => ("GY-UT", "Lethem"),
            _ => ("GY-DE", "Georgetown"),
        };
        ("GY", region, town)
    } else {
        (fd.country, home.0, home.1)
    };
    let transit = if foreign && !recruited_in_guyana {
        let entry = *g.pick(folk.entry_points());
        (entry.1 != site.1 && g.chance(85)).then_some(entry)
    } else {
        hub.filter(|h| h.1 != origin.2 && h.1 != site.1 && g.chance(70))
    };

    // Identification a few days before opening, the route before that.
    let identified = days_before(opened_d, g.range(0, 6));
    let (dmin, dmax) = profile.duration();
    let lived = (opened_d - birth).whole_days();
    let dur = g.range(dmin, dmax.min((lived - 4 * 365) / 2).max(dmin));
    let exploitation_start = days_before(identified, dur);
    let transit_start = days_before(exploitation_start, g.range(1, 10));
    let recruited = days_before(
        if transit.is_some() {
            transit_start
        } else {
            exploitation_start
        },
        g.range(1, 45),
    );

    // Assessments of adults in labour cases sometimes find no trafficking.
    let may_not_be = !child && matches!(profile, MiningLabour | Logging | Domestic);
    let trafficking_status = g.weighted(&[
        ("PossibleVictimOfTrafficking", 60),
        ("ActualVictimOfTrafficking", 30),
        ("NotAVictimOfTrafficking", if may_not_be { 18 } else { 0 }),
    ]);
    let relation = g.weighted(profile.relations());
    // About 40% hold no document at all: mostly because the trafficker keeps them.
    let has_documents = !g.chance(40);
    let documents_withheld = !has_documents
        && trafficking_status != "NotAVictimOfTrafficking"
        && matches!(profile, MiningSex | MiningLabour | Logging | Domestic)
        && g.chance(75);
    Story {
        profile,
        folk,
        child,
        gender,
        age,
        birth,
        assessed,
        uncertain,
        home,
        site,
        origin,
        transit,
        recruited,
        transit_start,
        exploitation_start,
        identified,
        opened,
        trafficking_status,
        relation,
        has_documents,
        documents_withheld,
    }
}

fn person(g: &mut Gen, s: &Story) -> PersonData {
    let fd = s.folk.data();
    let female = s.female();
    let mut p = PersonData::default();
    let given = if female { fd.female } else { fd.male };
    let first = *g.pick(given);
    p.first_name = first.into();
    if g.chance(18) {
        let middle = *g.pick(given);
        if middle != first {
            p.middle_name = middle.into();
        }
    }
    if g.chance(93) {
        p.second_name = g.pick(fd.surnames).to_string();
    }
    if g.chance(12) {
        let nick: &[&str] = match (fd.country, female) {
            ("GY", true) => &["Baby", "Princess", "Shorty", "Sweets", "Tiny"],
            ("GY", false) => &["Bigs", "Smalls", "Junior", "Rasta"],
            ("BR", true) => &["Nega", "Loira", "Preta"],
            ("BR", false) => &["Baixinho", "Magrão"],
            (_, true) => &["Nena", "Flaca", "Chiqui", "Mami", "Gata"],
            (_, false) => &["Chino", "Gordo", "Flaco", "Pelón"],
        };
        p.also_known_as = g.pick(nick).to_string();
    }
    if s.assessed {
        p.assessed_age = Some(s.age);
        p.age_uncertain = s.uncertain;
    } else {
        p.birth_date = ymd(s.birth);
    }
    p.gender = s.gender.into();
    p.citizenship = vec![fd.country.into()];
    if s.folk == Folk::Venezuelan && g.chance(6) {
        // Children of Guyanese who had emigrated to Venezuela, now back.
        p.citizenship.push("GY".into());
    }
    let (l1, l2) = s.folk.languages(g, s.home.1);
    p.primary_language = l1.into();
    p.secondary_language = l2.into();
    p.marital_status = if s.profile == Profile::ForcedMarriage {
        "Married"
    } else if s.child {
        if g.chance(70) { "Single" } else { "" }
    } else {
        g.weighted(&[
            ("Single", 55),
            ("Married", 12),
            ("Separated", 12),
            ("Divorced", 5),
            ("Widowed", 3),
            ("RegisteredPartnership", 8),
            ("", 5),
        ])
    }
    .into();
    if g.chance(70) {
        p.number_of_children = Some(if s.child {
            i64::from(s.age >= 15 && female && g.chance(8))
        } else if female {
            g.weighted(&[(0, 30), (1, 28), (2, 22), (3, 12), (4, 8)])
        } else {
            g.weighted(&[(0, 40), (1, 25), (2, 20), (3, 15)])
        });
    }
    if g.chance(75) {
        p.highest_level_of_education = if s.child {
            if s.age < 12 || g.chance(40) {
                "PrimaryEducation"
            } else {
                "LowerSecondaryEducation"
            }
        } else {
            g.weighted(&[
                ("PrimaryEducation", 35),
                ("LowerSecondaryEducation", 35),
                ("UpperSecondaryEducation", 20),
                ("PostSecondaryNonTertiaryEducation", 5),
                ("ShortCycleTertiaryEducation", 3),
                ("BachelorsOrEquivalentLevel", 2),
            ])
        }
        .into();
    }
    if s.has_documents {
        p.identity_documents = documents(g, fd.country, s.child);
    }
    if g.chance(if s.child { 20 } else { 60 }) {
        p.mobile_phone = phone(g, fd.country);
    }
    if !s.child && g.chance(8) {
        let last = ascii_fold(&p.second_name);
        let sep = if last.is_empty() { "" } else { "." };
        p.email = format!(
            "{}{sep}{last}{}@example.com",
            ascii_fold(first),
            digits(g, 2)
        );
    }
    if g.chance(35) {
        if !s.foreign() || g.chance(50) {
            // In Guyana: home for Guyanese, the current town for migrants.
            let (region, city) = if s.foreign() {
                let region = *g.pick(DEMO_REGIONS);
                (region, *g.pick(towns(region)))
            } else {
                s.home
            };
            p.mailing_country = "GY".into();
            p.mailing_state = region.into();
            p.mailing_city = city.into();
            if s.folk != Folk::IndigenousGuyanese && g.chance(50) {
                let section = g.pick(&["A", "B", "C", "D"]);
                p.mailing_street = format!("Lot {}, Section {section}", g.range(1, 180));
            }
        } else {
            p.mailing_country = fd.country.into();
            p.mailing_state = s.home.0.into();
            p.mailing_city = s.home.1.into();
        }
    }
    p
}

fn victim(g: &mut Gen, s: &Story) -> VictimData {
    use Profile::*;
    let profile = s.profile;
    let foreign = s.foreign();
    let mut v = VictimData {
        trafficking_status: s.trafficking_status.into(),
        ..Default::default()
    };
    if s.trafficking_status != "PossibleVictimOfTrafficking" {
        v.trafficking_status_decision_org = g
            .weighted(&[
                ("Police", 45),
                ("NonPoliceGovernmentalOrganization", 33),
                ("NGO", 15),
                ("CourtOrProsecution", 7),
            ])
            .into();
    }
    if g.chance(85) {
        v.relationship_to_trafficker = s.relation.into();
    }
    if g.chance(80) {
        let then = if s.assessed {
            s.age - (date_of(s.opened) - s.recruited).whole_days() / 365
        } else {
            years_between(s.birth, s.recruited)
        };
        v.age_when_trafficked = Some(then.max(0));
    }
    if g.chance(85) {
        v.method_of_recruitment = g.some_of(profile.recruitment());
        if v.method_of_recruitment.is_empty() {
            v.method_of_recruitment = vec![profile.recruitment()[0].0.into()];
        }
        let family = "ThroughFamilyOrFamilyEvents";
        if s.relation == "Familial" && !v.method_of_recruitment.iter().any(|m| m == family) {
            v.method_of_recruitment.insert(0, family.into());
        }
    }
    let online = v
        .method_of_recruitment
        .iter()
        .any(|m| m == "ThroughOnlineSocialNetworks" || m == "ThroughAnOnlineAdvertisement");
    if online {
        v.recruitment_websites_and_apps = g.some_of(&[
            ("WhatsApp", 60),
            ("Facebook", 55),
            ("FacebookMessenger", 20),
            ("Instagram", 10),
            ("TikTok", 10),
        ]);
        if v.recruitment_websites_and_apps.is_empty() {
            v.recruitment_websites_and_apps = vec!["Facebook".into()];
        }
    }
    if s.not_a_victim() {
        // What was reported, without the indicators the assessment looked for.
        if g.chance(60) {
            v.methods_of_control = vec![
                g.pick(&["TakesEarnings", "ExcessiveWorkingHours"])
                    .to_string(),
            ];
        }
    } else {
        let controls = profile.methods_of_control(foreign);
        v.methods_of_control = g.some_of(&controls);
        if v.methods_of_control.is_empty() {
            v.methods_of_control = vec![controls[0].0.into()];
        }
        if s.documents_withheld {
            v.methods_of_control.push("WithholdsDocuments".into());
        }
    }
    let (types, industry): (&[&str], &str) = match profile {
        MiningSex if g.chance(35) => (
            &["SexualExploitation", "ForcedLabour"],
            "I_AccommodationAndFoodServiceActivities",
        ),
        MiningSex => (&["SexualExploitation"], ""),
        MiningLabour => (&["ForcedLabour"], "B_MiningAndQuarrying"),
        Logging => (&["ForcedLabour"], "A_AgricultureForestryAndFishing"),
        Domestic if g.chance(60) => (
            &["Servitude", "ForcedLabour"],
            "T_ActivitiesOfHouseholdsAsEmployers",
        ),
        Domestic => (&["Servitude"], "T_ActivitiesOfHouseholdsAsEmployers"),
        ChildTrade if g.chance(40) => (
            &["ChildLabour", "ForcedLabour"],
            "G_WholesaleAndRetailTradeRepairOfMotorVehicles",
        ),
        ChildTrade => (
            &["ChildLabour"],
            "G_WholesaleAndRetailTradeRepairOfMotorVehicles",
        ),
        ForcedBegging => (&["ForcedBegging"], ""),
        ForcedMarriage if g.chance(40) => (&["ForcedMarriage", "Servitude"], ""),
        ForcedMarriage => (&["ForcedMarriage"], ""),
    };
    v.type_of_exploitation = types.iter().map(|t| t.to_string()).collect();
    if s.child && matches!(profile, MiningLabour | Logging | Domestic) {
        v.type_of_exploitation.push("ChildLabour".into());
    }
    v.forced_labour_industry = industry.into();
    if profile == MiningSex {
        v.type_of_sex_exploitation = g.some_of(&[
            ("Prostitution", 90),
            ("PrivateSexualServices", 15),
            ("Pornography", 3),
        ]);
        if v.type_of_sex_exploitation.is_empty() {
            v.type_of_sex_exploitation = vec!["Prostitution".into()];
        }
        if g.chance(15) {
            v.exploitation_websites_and_apps = vec![g.pick(&["WhatsApp", "Facebook"]).to_string()];
        }
    }
    let mut vul: Vec<(&'static str, u64)> = vec![
        ("Poverty", 70),
        ("Homelessness", 8),
        ("AbusePhysical", 12),
        ("WorkEnvironment", 12),
        ("Education", if s.child { 50 } else { 20 }),
    ];
    if foreign {
        vul.push(("Migration", 85));
    }
    if s.folk == Folk::IndigenousGuyanese {
        vul.extend([("SocialGroup", 45), ("Discrimination", 25)]);
    }
    if s.folk == Folk::Haitian {
        vul.push(("Discrimination", 40));
    }
    if online {
        vul.push(("AbuseSocialMedia", 30));
    }
    if !s.child {
        let disability = if profile == ForcedBegging { 60 } else { 3 };
        vul.extend([
            ("Addiction", 5),
            ("MentalHealth", 5),
            ("DisabilityAndPhysicalHealth", disability),
        ]);
    }
    v.vulnerabilities = g.some_of(&vul);
    v
}

/// The case fields, except the summary.
fn case_data(g: &mut Gen, s: &Story, agency: usize, language: &str) -> CaseData {
    let mut cs = CaseData {
        region: if g.chance(90) { s.site.0 } else { "GY-DE" }.into(),
        ..Default::default()
    };
    cs.risk_level = if g.chance(10) {
        ""
    } else if s.child || s.profile == Profile::MiningSex {
        g.weighted(&[("Low", 10), ("Medium", 30), ("High", 45), ("Critical", 15)])
    } else {
        g.weighted(&[("Low", 25), ("Medium", 45), ("High", 25), ("Critical", 5)])
    }
    .into();
    let mut source = g.weighted(referral_sources(agency));
    if source == "Embassy" && !matches!(s.folk, Folk::Venezuelan | Folk::Brazilian | Folk::Cuban) {
        source = "InternationalOrganisation";
    }
    if source == "ChildProtection" && !s.child {
        source = "Police";
    }
    cs.referral_source = source.into();
    let n = region_number(s.site.0);
    let org = match source {
        "Police" if g.chance(50) => AGENCIES[POLICE].name.to_string(),
        "Police" => format!("Guyana Police Force, Region {n} Division"),
        "LabourInspection" => AGENCIES[LABOUR].name.into(),
        "ChildProtection" => AGENCIES[CPA].name.into(),
        "MiningOrForestryOfficer" if s.profile == Profile::Logging => {
            AGENCIES[FORESTRY].name.into()
        }
        "MiningOrForestryOfficer" => AGENCIES[GGMC].name.into(),
        "Ngo" => g
            .pick(&[
                AGENCIES[HELP_AND_SHELTER].name,
                AGENCIES[FOOD_FOR_THE_POOR].name,
                "Mazaruni Women's Support Group",
                "Rupununi Family Outreach",
            ])
            .to_string(),
        "Hotline" if matches!(language, "spa" | "por") => {
            "Counter-trafficking hotline (Spanish/Portuguese line)".into()
        }
        "Hotline" => "Counter-trafficking hotline".into(),
        "HealthService" => format!("Regional health centre, Region {n}"),
        "InternationalOrganisation" => AGENCIES[IOM].name.into(),
        "Embassy" => match s.folk {
            Folk::Venezuelan => "Embassy of Venezuela",
            Folk::Brazilian => "Embassy of Brazil",
            _ => "Embassy of Cuba",
        }
        .into(),
        "Immigration" => format!(
            "Immigration post, {}",
            s.transit.map(|t| t.1).unwrap_or("Lethem")
        ),
        "Other" if s.folk == Folk::IndigenousGuyanese => {
            format!("Village council (Toshao), {}", s.home.1)
        }
        "Other" => "Church outreach group".into(),
        _ => String::new(),
    };
    if g.chance(90) && org != AGENCIES[agency].name {
        cs.referring_organisation = org;
    }
    if !cs.referring_organisation.is_empty() && source != "Hotline" {
        cs.reason_for_incoming_referral = g
            .weighted(&[
                ("AdditionalServicesRequired", 70),
                ("MigrationOrChangeOfLocation", 15),
                ("Other", 5),
                ("", 10),
            ])
            .into();
    }
    if g.chance(85) {
        let gap = (date_of(s.opened) - s.identified).whole_days();
        cs.referral_date = ymd(days_before(date_of(s.opened), g.range(0, gap)));
    }
    cs
}

/// The words of a story: who recruited, with what promise, what happened.
struct Narrative {
    recruiter: &'static str,
    job: &'static str,
    exploitation: &'static str,
}

fn narrative(g: &mut Gen, s: &Story, v: &VictimData) -> Narrative {
    use Profile::*;
    let method = v
        .method_of_recruitment
        .iter()
        .find(|m| *m != "ThroughFamilyOrFamilyEvents");
    let recruiter = if s.profile == ForcedMarriage {
        "the family"
    } else if s.relation == "Familial" {
        *g.pick(&[
            "an aunt",
            "a cousin",
            "an uncle",
            "an older sister",
            "a godmother",
        ])
    } else {
        match method.map(String::as_str) {
            Some("ThroughOnlineSocialNetworks") => {
                if v.recruitment_websites_and_apps
                    .iter()
                    .any(|a| a == "WhatsApp")
                {
                    "a contact on WhatsApp"
                } else {
                    "a post on Facebook"
                }
            }
            Some("ThroughAnOnlineAdvertisement") => "an online job advertisement",
            Some("ThroughANewspaperAdvert") => "a newspaper advertisement",
            Some("AtAPlaceOfBusiness") => *g.pick(&["a shop owner", "the owner of a beauty salon"]),
            Some("AtWork") => "a foreman at a previous job",
            _ if s.relation == "Unaquainted" => {
                *g.pick(&["a stranger at the market", "a man at the bus park"])
            }
            _ => *g.pick(&[
                "an acquaintance",
                "a neighbour",
                "a friend of a friend",
                "a family friend",
            ]),
        }
    };
    let job = match s.profile {
        MiningSex => *g.pick(&[
            "kitchen work at a mining camp",
            "a job as a cook for a mining crew",
            "shop work at a landing",
            "waitressing at a restaurant",
            "cleaning work at a guest house",
        ]),
        MiningLabour => *g.pick(&[
            "pit work for a share of the gold",
            "a well-paid job on a dredge",
            "work as a jig operator",
            "work as a cook's helper at a camp",
        ]),
        Logging => *g.pick(&[
            "work as a chainsaw operator",
            "a job loading lumber",
            "a labourer's job at a sawmill",
            "work as a tractor driver's helper",
        ]),
        Domestic => *g.pick(&[
            "a live-in job as a domestic helper with time for school",
            "a paid job caring for children",
            "live-in housework with pay and a room",
        ]),
        ChildTrade => *g.pick(&[
            "help at a relative's shop and a place at a town school",
            "a job at a market stall",
            "a better life in town",
        ]),
        ForcedBegging => *g.pick(&["food and a place to sleep in town", "a better life in town"]),
        ForcedMarriage => "a good marriage",
    };
    let exploitation = match s.profile {
        _ if s.not_a_victim() => "Worked there for some months; left after a dispute over unpaid wages.",
        MiningSex => *g.pick(&[
            "Made to serve in a bar at the landing and to have sex with miners to pay off a debt.",
            "Cooked for the camp by day; at night made to sell sex to miners, the money kept by the owner.",
            "Kept in a room behind a shop; clients were brought by the owner.",
        ]),
        MiningLabour => *g.pick(&[
            "Worked on a dredge twelve hours a day; the promised share of gold was never paid.",
            "Dug pits by hand in the backdam; food and fuel were charged as debt.",
            "Worked the sluice seven days a week; not allowed to leave until the debt was paid.",
        ]),
        Logging => *g.pick(&[
            "Cut and hauled logs; wages withheld, food charged against pay.",
            "Worked a chainsaw without protective equipment; an injury went untreated.",
            "Loaded lumber seven days a week, paid only in food.",
        ]),
        Domestic => *g.pick(&[
            "Cooked, cleaned and looked after the children from 5 am to late at night, without pay.",
            "Not allowed to leave the house alone; phone taken away.",
            "Neither the promised school nor the salary came; worked every day of the week.",
        ]),
        ChildTrade => *g.pick(&[
            "Worked at a stall from early morning instead of going to school.",
            "Carried and sold goods at the market; the money went to the employer.",
            "Worked in a grocery and slept in the storeroom.",
        ]),
        ForcedBegging if s.child => *g.pick(&[
            "Made to beg at traffic lights and in front of shops every day; the money collected each evening.",
            "Begged with younger children; beaten when the takings were small.",
        ]),
        ForcedBegging => *g.pick(&[
            "Made to beg in front of shops and churches every day; the money collected each evening.",
            "Driven to a different street to beg each morning; given one meal a day.",
        ]),
        ForcedMarriage => *g.pick(&[
            "Married off in exchange for money and goods; made to do all the household and farm work.",
            "Not allowed to visit the family or go to school after the marriage.",
        ]),
    };
    Narrative {
        recruiter,
        job,
        exploitation,
    }
}

fn summary(g: &mut Gen, s: &Story, v: &VictimData, source: &str, n: &Narrative) -> String {
    use Profile::*;
    let boss = match s.profile {
        MiningSex => "the bar owner",
        MiningLabour => "the dredge owner",
        Logging => "the contractor",
        Domestic => "the household",
        ChildTrade => "the shopkeeper",
        ForcedBegging => "the adult in charge",
        ForcedMarriage => "the husband",
    };
    let (site, origin) = (s.site.1, s.origin);
    let from = if origin.0 == "GY" {
        origin.2.to_string()
    } else {
        format!("{} ({})", origin.2, origin.1)
    };
    let mut text = if s.profile == ForcedMarriage {
        format!(
            "Given in marriage by {} family to a much older man from {site}.",
            s.her()
        )
    } else {
        format!(
            "Recruited in {from} through {} with the promise of {} in {site}.",
            n.recruiter, n.job
        )
    };
    text.push(' ');
    text.push_str(n.exploitation);
    let controls: Vec<String> = v
        .methods_of_control
        .iter()
        .filter_map(|c| control_phrase(g, c, s.she(), boss))
        .take(3)
        .collect();
    if !controls.is_empty() {
        let joined = controls.join("; ");
        text.push(' ');
        text.push_str(&joined[..1].to_uppercase());
        text.push_str(&joined[1..]);
        text.push('.');
    }
    text.push(' ');
    text.push_str(match source {
        "Police" => "Identified during a police operation.",
        "MiningOrForestryOfficer" if s.profile == Logging => {
            "Identified during a Forestry Commission visit to the camp."
        }
        "MiningOrForestryOfficer" => "Identified during a GGMC visit to the area.",
        "LabourInspection" => "Identified during a labour inspection.",
        "Hotline" if g.chance(50) => "A relative called the hotline.",
        "Hotline" => "Called the hotline from a borrowed phone.",
        "ChildProtection" => "Identified by a CPA officer.",
        "Ngo" => "Referred by an outreach worker.",
        "SelfReferral" => "Escaped and came to the office.",
        "FamilyOrFriend" => "Brought in by a friend.",
        "HealthService" => "Identified by a nurse at the health centre.",
        "Embassy" => "Referred by the embassy.",
        "InternationalOrganisation" => "Referred by IOM.",
        "Immigration" => "Identified by an immigration officer.",
        _ => "Referred by community leaders.",
    });
    if s.not_a_victim() {
        text.push_str(" Assessment found no indicators of trafficking.");
    }
    text
}

fn route(g: &mut Gen, s: &Story, n: &Narrative) -> Vec<EventData> {
    let mut events = Vec::new();
    let at = |event_type: &str, country: &str, region: &str, place: &str| EventData {
        event_type: event_type.into(),
        country: country.into(),
        region: region.into(),
        place: place.into(),
        ..Default::default()
    };
    if g.chance(85) {
        let (country, region, place) = s.origin;
        let mut e = at("Recruitment", country, region, place);
        e.start_date = ymd(s.recruited);
        if g.chance(40) {
            e.end_date = e.start_date.clone();
        }
        e.description = if s.profile == Profile::ForcedMarriage {
            "Marriage arranged by the family.".into()
        } else {
            format!("Offered {} through {}.", n.job, n.recruiter)
        };
        events.push(e);
    }
    if let Some((region, place)) = s.transit {
        let mut e = at("Transit", "GY", region, place);
        e.start_date = ymd(s.transit_start);
        e.end_date = ymd(s.exploitation_start);
        let how = match place {
            "Linden" => "Travelled by minibus on the Linden–Mahdia road",
            "Parika" => "Took the speedboat from Parika",
            "Bartica" => "Went up the river by boat from Bartica",
            "Port Kaituma" => "Travelled by truck from Port Kaituma",
            "Lethem" if s.foreign() => "Crossed the Takutu River bridge from Bonfim",
            "Lethem" => "Travelled by truck along the Rupununi trail",
            "Mahdia" => "Taken by ATV along the backdam trail",
            "Eteringbang" => "Crossed the Cuyuni River by boat",
            "Mabaruma" | "Morawhanna" => "Came by boat from the Orinoco delta",
            _ => "Arrived by air on a ticket bought by the recruiter",
        };
        e.description = if s.documents_withheld && g.chance(50) {
            format!(
                "{how}; the recruiter took {} documents \"for safekeeping\".",
                s.her()
            )
        } else {
            format!("{how}.")
        };
        events.push(e);
    }
    let mut e = at("Exploitation", "GY", s.site.0, s.site.1);
    e.start_date = ymd(s.exploitation_start);
    if g.chance(85) {
        e.end_date = ymd(s.identified);
    }
    e.description = n.exploitation.into();
    events.push(e);
    if g.chance(5) {
        // Dates not known.
        for e in &mut events {
            e.start_date.clear();
            e.end_date.clear();
        }
    }
    events
}

fn perpetrators(g: &mut Gen, s: &Story, n: &Narrative, family_name: &str) -> Vec<PerpetratorData> {
    use Profile::*;
    let fd = s.folk.data();
    let mut list = Vec::new();
    let count = g.weighted(&[(0, 25), (1, 45), (2, 30)]);
    let recruiter_first = count == 2 || g.chance(50);
    if count > 0 && recruiter_first && s.profile != ForcedMarriage {
        let familial = s.relation == "Familial";
        let mut roles = vec!["RecruiterOrIntermediary".to_string()];
        if s.transit.is_some() && g.chance(40) {
            roles.push("Transporter".into());
        }
        if g.chance(10) {
            roles.push("TravellingPartner".into());
        }
        let from = if familial || g.chance(70) { fd } else { &AFRO };
        let mut name = someone(g, from);
        if familial && !family_name.is_empty() {
            // Relatives share the family name.
            if let Some((given, _)) = name.split_once(' ') {
                name = format!("{given} {family_name}");
            }
        }
        let details = if familial {
            format!(
                "Relative ({}) who arranged the move.",
                n.recruiter
                    .trim_start_matches("an ")
                    .trim_start_matches("a ")
            )
        } else if name.is_empty() {
            format!(
                "Known only by a nickname; first contact through {}.",
                n.recruiter
            )
        } else {
            String::new()
        };
        list.push(PerpetratorData {
            name,
            roles,
            relation: s.relation.into(),
            nationality: from.country.into(),
            details,
        });
    }
    if count == 2 || (count == 1 && (!recruiter_first || s.profile == ForcedMarriage)) {
        let mut roles = vec!["Exploiter".to_string()];
        if g.chance(40) {
            roles.push("ControlledIndividual".into());
        }
        if g.chance(30) {
            roles.push("HarbouredIndividual".into());
        }
        if s.profile == ForcedMarriage {
            roles.push("Abuser".into());
        }
        let nationality = match s.profile {
            MiningSex | MiningLabour => g.weighted(&[("GY", 60), ("BR", 20), ("VE", 15), ("", 5)]),
            Domestic | ChildTrade if s.foreign() && g.chance(30) => fd.country,
            ForcedBegging | ForcedMarriage => fd.country,
            _ => "GY",
        };
        let named_from = match nationality {
            "BR" => &BRAZILIAN,
            "VE" => &VENEZUELAN,
            "GY" if s.folk.guyanese() => fd,
            "GY" if g.chance(40) => &INDO,
            "GY" => &AFRO,
            _ => fd,
        };
        let name = someone(g, named_from);
        let site = s.site.1;
        let details = match s.profile {
            MiningSex => format!("Owner of the bar at {site}."),
            MiningLabour => format!("Dredge owner working near {site}."),
            Logging => format!("Sub-contractor on the concession ({site})."),
            Domestic => format!("Head of the household in {site}."),
            ChildTrade => format!("Shopkeeper at {site}."),
            ForcedBegging => "Adult who collected the money every evening.".into(),
            ForcedMarriage => "Husband, about twenty years older.".into(),
        };
        let relation = match s.profile {
            ForcedMarriage => "Familial",
            _ if count == 1 => s.relation,
            _ => g.weighted(&[("Unaquainted", 70), ("Acquainted", 30)]),
        };
        list.push(PerpetratorData {
            name,
            roles,
            relation: relation.into(),
            nationality: nationality.into(),
            details,
        });
    }
    list
}

/// The status reached by `t0`: (status, when, closure reason and note, agency referred to).
type Outcome = (
    CaseStatus,
    i64,
    Option<(&'static str, String)>,
    Option<usize>,
);

fn outcome(g: &mut Gen, s: &Story, agency: usize, t0: i64) -> Outcome {
    let elapsed = t0 - s.opened;
    let status = if elapsed < 14 * DAY {
        CaseStatus::Active
    } else if s.not_a_victim() {
        g.weighted(&[
            (CaseStatus::Closed, 60),
            (CaseStatus::ClosedReferred, 25),
            (CaseStatus::Active, 15),
        ])
    } else {
        g.weighted(&[
            (CaseStatus::Active, 42),
            (CaseStatus::FollowUp, 18),
            (CaseStatus::Closed, 25),
            (CaseStatus::ClosedReferred, 15),
        ])
    };
    let at = if status == CaseStatus::Active {
        s.opened
    } else {
        s.opened + elapsed * g.range(20, 95) / 100
    };
    let she = s.she().to_lowercase();
    match status {
        CaseStatus::Closed => {
            let reason = if s.not_a_victim() {
                "NotAVictim"
            } else {
                g.weighted(&[
                    ("AssistanceCompleted", 40),
                    ("Returned", if s.foreign() { 25 } else { 0 }),
                    ("DeclinedAssistance", 15),
                    ("LostContact", 18),
                    ("Duplicate", 2),
                    ("Other", 3),
                ])
            };
            let note = match reason {
                "AssistanceCompleted" if s.child => {
                    "Back with the family and attending school; the CPA will keep visiting.".into()
                }
                "AssistanceCompleted" => format!(
                    "Support plan completed: {she} has a place to live and an income. Closed with {} agreement.",
                    s.her()
                ),
                "Returned" => "Returned home with IOM assisted voluntary return; the receiving organisation was informed.".into(),
                "DeclinedAssistance" => format!(
                    "Declined further assistance after the first interview. Given the hotline number; {she} may come back at any time."
                ),
                "LostContact" => "No contact for three months despite calls and a visit to the last known address.".into(),
                "NotAVictim" => "Assessment found no indicators of trafficking: a dispute over unpaid wages, referred to the Ministry of Labour.".into(),
                "Duplicate" => "Duplicate of a case opened earlier by another agency.".into(),
                _ => "Moved to another region; local services informed.".into(),
            };
            (status, at, Some((reason, note)), None)
        }
        CaseStatus::ClosedReferred => {
            let to = if s.child {
                CPA
            } else if s.not_a_victim() {
                LABOUR
            } else if s.foreign() && g.chance(50) {
                IOM
            } else {
                *g.pick(&[HELP_AND_SHELTER, FOOD_FOR_THE_POOR, CTIP_UNIT])
            };
            let to = match to {
                _ if to != agency => to,
                HELP_AND_SHELTER => FOOD_FOR_THE_POOR,
                _ => HELP_AND_SHELTER,
            };
            let why = match to {
                CPA => "child protection and family tracing",
                LABOUR => "the wage claim",
                IOM => "return assistance",
                HELP_AND_SHELTER => "long-term shelter and counselling",
                CTIP_UNIT => "coordination of the investigation",
                _ => "livelihood support",
            };
            let reason = if g.chance(90) {
                "ReferredElsewhere"
            } else {
                "Other"
            };
            let note = format!(
                "Referred to {} for {why}; case handed over.",
                AGENCIES[to].name
            );
            (status, at, Some((reason, note)), Some(to))
        }
        _ => (status, at, None, None),
    }
}

/// Up to three notes between opening and `until`, by the person who opened the case.
fn notes(g: &mut Gen, s: &Story, r: &CaseRecord, until: i64) -> Vec<(i64, String)> {
    let she = s.she();
    let pron = she.to_lowercase();
    let language = r.person.primary_language.as_str();
    let spanish = language == "spa" && g.chance(35);
    let mut pool: Vec<String> = Vec::new();
    if !s.child {
        pool.push(if g.chance(60) {
            "Placed in the shelter; given clothes, toiletries and a phone card.".into()
        } else {
            "Did not want a shelter place; staying with a relative. Safety plan agreed.".into()
        });
        pool.push(format!(
            "Follow-up call: {pron} is well and asks about work or training."
        ));
    } else {
        pool.push(format!(
            "Follow-up visit: {pron} is back in school and doing well."
        ));
        pool.push("School enrolment discussed with the welfare officer.".into());
        pool.push("Family tracing started; the mother was reached by phone.".into());
    }
    pool.push(
        if matches!(s.site.0, "GY-BA" | "GY-CU" | "GY-PT" | "GY-UT") {
            "Malaria test at the health centre: negative. No other urgent needs."
        } else {
            "Medical check done; no urgent needs. Follow-up visit booked."
        }
        .into(),
    );
    if s.trafficking_status == "ActualVictimOfTrafficking" {
        pool.push("Accompanied to give a statement to the TIP Unit.".into());
    }
    if s.foreign() {
        pool.push(format!(
            "Asked about regularising {} stay; referred to IOM for advice.",
            s.her()
        ));
    }
    if spanish {
        pool.push(
            "Llamada de seguimiento: se encuentra bien y pregunta por el trámite migratorio."
                .into(),
        );
        pool.push("Se coordinó con la OIM la posibilidad de retorno voluntario.".into());
    }
    let wanted = g.weighted(&[(0usize, 20), (1, 35), (2, 30), (3, 15)]);
    let span = (until - s.opened).max(0);
    let slot = span / (wanted as i64 + 1);
    let mut notes = Vec::new();
    for i in 0..wanted {
        let body = if i == 0 {
            if spanish {
                "Entrevista inicial en español, sin intérprete. Acepta apoyo y alojamiento."
                    .to_string()
            } else if s.child {
                "First interview in the child-friendly room, with a CPA officer present."
                    .to_string()
            } else if let Some(lang) = interpreter(language) {
                format!(
                    "First interview done with {lang} interpreter (by phone). {she} agreed to the referral for shelter and medical care."
                )
            } else {
                format!(
                    "First interview done at the office. {she} agreed to the referral for shelter and medical care."
                )
            }
        } else {
            let k = g.below(pool.len());
            pool.swap_remove(k)
        };
        let at = if i == 0 {
            s.opened + g.range(1800, 8 * 3600).min(slot)
        } else {
            s.opened + slot * (i as i64 + 1) - g.range(0, slot / 2)
        };
        notes.push((at.clamp(s.opened, until.max(s.opened)), body));
    }
    notes.sort_by_key(|n| n.0);
    notes
}

fn demo_case(g: &mut Gen, agency: usize, opened: i64, t0: i64) -> DemoCase {
    let s = draw_story(g, agency, opened);
    let person = person(g, &s);
    let victim = victim(g, &s);
    let mut case = case_data(g, &s, agency, &person.primary_language);
    let n = narrative(g, &s, &victim);
    case.summary = summary(g, &s, &victim, &case.referral_source, &n);
    let events = route(g, &s, &n);
    let perpetrators = perpetrators(g, &s, &n, &person.second_name);
    let record = CaseRecord {
        person,
        victim,
        case,
    };
    let (status, status_at, closure, referred_to) = outcome(g, &s, agency, t0);
    let until = if status == CaseStatus::Active {
        t0
    } else {
        status_at
    };
    let notes = notes(g, &s, &record, until);
    DemoCase {
        profile: s.profile,
        record,
        events,
        perpetrators,
        notes,
        status,
        status_at,
        closure,
        referred_to,
    }
}

/// What was created, for the welcome message.
pub struct DemoSummary {
    pub agencies: usize,
    pub users: Vec<(String, Role, String)>,
    pub cases: usize,
}

fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// Loads the demo into an empty database. `progress(done, total)` is called as cases are made.
/// The same person as another agency might write them down: one inner letter of the family
/// name dropped ("Persaud" → "Persud").
fn respelled(p: &haven_domain::record::PersonData) -> haven_domain::record::PersonData {
    let mut p = p.clone();
    let letters: Vec<char> = p.second_name.chars().collect();
    if letters.len() > 4 {
        let drop = letters.len() - 3;
        p.second_name = letters
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != drop)
            .map(|(_, c)| c)
            .collect();
    }
    p
}

pub async fn load(
    h: &Haven,
    cases_wanted: usize,
    mut progress: impl FnMut(usize, usize),
) -> Result<DemoSummary> {
    let t0 = h.now();
    let mut g = Gen(SEED);
    let mut seed = h.seeder().await?;
    let mut agency_ids: Vec<AgencyId> = Vec::new();
    for a in AGENCIES {
        let id = seed
            .agency(AgencyRow {
                id: AgencyId::new(),
                name: a.name.into(),
                agency_type: a.kind,
                region: Some(a.region.into()),
                phone: None,
                email: None,
                coordination_consent: a.coordination,
                created_at: t0,
            })
            .await?;
        agency_ids.push(id);
    }
    let hash = haven_crypto::password::hash(DEMO_PASSWORD.to_string()).await?;
    let mut user_ids: Vec<(UserId, Role, usize)> = Vec::new();
    let mut summary_users = Vec::new();
    for (username, name, role, agency) in USERS {
        let id = seed
            .user(SeedUser {
                username,
                display_name: name,
                agency: agency_ids[*agency],
                role: *role,
                password_hash: &hash,
                totp_secret: match role {
                    Role::Admin => Some(DEMO_TOTP_ADMIN),
                    Role::Coordinator => Some(DEMO_TOTP_COORDINATOR),
                    _ => None,
                },
                // Reserved domain: nothing leaves a demo even with mail on.
                email: Some(format!("{username}@haven.example")),
                at: t0,
            })
            .await?;
        user_ids.push((id, *role, *agency));
        summary_users.push((
            username.to_string(),
            *role,
            AGENCIES[*agency].name.to_string(),
        ));
    }
    // Cases are opened by the roles that open cases, in the agencies that handle them.
    let openers: Vec<&(UserId, Role, usize)> =
        user_ids.iter().filter(|(_, r, _)| is_opener(*r)).collect();
    let today = date_of(t0);
    // Persons met so far (the first few hundred): a few come back, registered again.
    let mut met: Vec<haven_domain::record::PersonData> = Vec::new();
    for i in 0..cases_wanted {
        let (opener, opener_role, agency) = **g.pick(&openers);
        // Spread opening dates over the last two years.
        let opened = t0 - (g.below(730 * 86400)) as i64;
        let mut d = demo_case(&mut g, agency, opened, t0);
        // Every 30th case is a person registered before, their family name spelled otherwise
        // (as a second agency would write it down): the duplicate review has pairs to show.
        // Chosen without the generator, so the other cases stay what they were.
        if i % 30 == 29 {
            if let Some(p) = met.get(i / 3) {
                d.record.person = respelled(p);
                // Their age then was this case's, not the one the generator drew.
                d.record.victim.age_when_trafficked = None;
            }
        } else if met.len() < 500 {
            met.push(d.record.person.clone());
        }
        d.record
            .normalise(today)
            .map_err(|e| haven_core::CoreError::internal(format!("demo record: {e:?}")))?;
        let child = d.record.person.is_child(today);
        let mut involved = vec![agency];
        if child && agency != CPA && g.chance(70) {
            involved.push(CPA);
        }
        // The commission that regulates the place, where it is a mine or a concession.
        let regulator = match d.profile {
            Profile::MiningSex | Profile::MiningLabour => Some(GGMC),
            Profile::Logging => Some(FORESTRY),
            _ => None,
        };
        if let (Some(r), true) = (regulator, g.chance(30)) {
            involved.push(r);
        }
        if g.chance(40) {
            involved.push(g.below(agency_ids.len()));
        }
        if let Some(to) = d.referred_to {
            involved.push(to);
        }
        let mut others: Vec<AgencyId> = Vec::new();
        for a in involved.iter().skip(1).map(|a| agency_ids[*a]) {
            if a != agency_ids[agency] && !others.contains(&a) {
                others.push(a);
            }
        }
        let kinds = d.record.victim.type_of_exploitation.clone();
        let region = Some(d.record.case.region.clone()).filter(|r| !r.is_empty());
        let status = (d.status != CaseStatus::Active).then(|| SeedStatus {
            status: d.status,
            at: d.status_at,
            closure: d.closure.map(|(r, n)| (r.to_string(), n)),
        });
        // The demo writes as the user who opened the case, through the same rule.
        let case_id = seed
            .case(SeedCase {
                opener: haven_authz::Principal {
                    user_id: opener,
                    agency_id: agency_ids[agency],
                    role: opener_role,
                },
                record: d.record,
                opened_at: opened,
                involved: others,
                events: d.events,
                perpetrators: d.perpetrators,
                notes: d.notes,
                status,
            })
            .await?;
        // Was the draw for a per-user grant (removed); kept so the rest of the demo is the same.
        let _ = g.chance(8);
        if g.chance(45) {
            let labour = kinds
                .iter()
                .any(|k| matches!(k.as_str(), "ForcedLabour" | "ChildLabour" | "Servitude"));
            let sexual = kinds.iter().any(|k| k == "SexualExploitation");
            let screen = DemoScreening {
                case_id: Some(case_id),
                agency: agency_ids[agency],
                user: opener,
                at: opened,
                region,
                child,
                labour: labour || !sexual,
                sexual,
            };
            seed.screening(screening(h, &mut g, screen)).await?;
        }
        progress(i + 1, cases_wanted);
    }
    // A few screenings not yet attached to a case, and tips at every stage of triage.
    let screeners: Vec<&(UserId, Role, usize)> = user_ids
        .iter()
        .filter(|(_, r, _)| *r == Role::Screener)
        .collect();
    if let Some(&&(user, _, agency)) = screeners.first() {
        for k in 0..3 {
            let screen = DemoScreening {
                case_id: None,
                agency: agency_ids[agency],
                user,
                at: t0 - (k as i64 + 1) * 86_400,
                region: Some(g.pick(haven_domain::GUYANA_REGIONS).code.to_string()),
                child: k == 1,
                labour: k != 2,
                sexual: k == 2,
            };
            seed.screening(screening(h, &mut g, screen)).await?;
        }
    }
    training(&mut seed, &mut g, &agency_ids, &user_ids, t0).await?;
    for (k, (agency, kind, name, genders, ages, regions, langs, total, free)) in
        DEMO_SERVICES.iter().enumerate()
    {
        seed.service(haven_store::consents::ServiceRow {
            id: new_id(),
            agency_id: agency_ids[*agency],
            service_type: kind.to_string(),
            name: name.to_string(),
            description: None,
            genders: genders.to_string(),
            age_min: ages.0,
            age_max: ages.1,
            nationalities: String::new(),
            languages: langs.to_string(),
            exploitation: String::new(),
            regions: regions.to_string(),
            hours: Some("Mon–Fri 08:00–16:30".into()),
            emergency_line: (k % 2 == 0).then(|| format!("+592 227 {:04}", 1000 + k)),
            capacity_total: *total,
            capacity_free: *free,
            // One shelter's count is a fortnight old: the directory shows its age.
            capacity_at: free.map(|_| if k == 0 { t0 - 14 * DAY } else { t0 - DAY }),
            active: true,
            created_at: t0,
            updated_at: t0,
        })
        .await?;
    }
    let coordinator = user_ids.iter().find(|(_, r, _)| *r == Role::Coordinator);
    let hotline = screeners.first().map(|u| (u.0, agency_ids[u.2]));
    for (k, (what, suspected)) in DEMO_TIPS.iter().enumerate() {
        let (row, body) = tip(
            &mut g,
            k,
            what,
            suspected,
            hotline,
            coordinator.map(|c| c.0),
            t0,
        );
        seed.tip(row, &body).await?;
    }
    seed.finish(serde_json::json!({"cases": cases_wanted, "agencies": AGENCIES.len()}))
        .await?;
    referrals(h, &user_ids, &agency_ids, t0).await?;
    protection(h, &user_ids, t0).await?;
    // The duplicate review opens with what a first scan proposes, as a running deployment's
    // background job would have.
    h.scan_duplicates(None, &Origin::default()).await?;
    h.mark_demo_loaded().await?;
    Ok(DemoSummary {
        agencies: AGENCIES.len(),
        users: summary_users,
        cases: cases_wanted,
    })
}

/// Tips as the public and hotline callers might word them (invented; no real place or person).
const DEMO_TIPS: &[(&str, &str)] = &[
    (
        "Three young girls are working at a bar near the landing. They look under 16 and never leave the building.",
        "sexual",
    ),
    (
        "Men at a dredge upriver say they have not been paid for four months and cannot leave because they owe for food.",
        "labour",
    ),
    (
        "A neighbour keeps a teenage girl from the countryside who cleans all day and does not go to school.",
        "domestic",
    ),
    (
        "Children are sent to beg at the market every morning by the same man who collects the money.",
        "begging",
    ),
    (
        "Someone offered jobs abroad on WhatsApp with free travel; my cousin went and stopped answering.",
        "",
    ),
    (
        "Workers at a logging camp had their ID cards taken by the supervisor.",
        "labour",
    ),
];

/// (agency, type, name, genders, (age min, max), regions, languages, places, free)
#[allow(clippy::type_complexity)]
const DEMO_SERVICES: &[(
    usize,
    &str,
    &str,
    &str,
    (Option<i64>, Option<i64>),
    &str,
    &str,
    Option<i64>,
    Option<i64>,
)] = &[
    (
        HELP_AND_SHELTER,
        "safe_accommodation",
        "Shelter for women",
        "Feminine",
        (Some(18), None),
        "GY-DE",
        "eng,spa",
        Some(16),
        Some(4),
    ),
    (
        CPA,
        "safe_accommodation",
        "Children's home (emergency placement)",
        "",
        (None, Some(17)),
        "",
        "eng",
        Some(24),
        Some(7),
    ),
    (
        CPA,
        "child_protection",
        "Child protection officers",
        "",
        (None, Some(17)),
        "",
        "eng",
        None,
        None,
    ),
    (
        HELP_AND_SHELTER,
        "psychosocial",
        "Counselling",
        "",
        (None, None),
        "GY-DE,GY-EB",
        "eng",
        None,
        None,
    ),
    (
        FOOD_FOR_THE_POOR,
        "material_assistance",
        "Food, clothing and hygiene kits",
        "",
        (None, None),
        "",
        "eng,spa,por",
        None,
        None,
    ),
    (
        CTIP_UNIT,
        "legal_aid",
        "Legal information for victims",
        "",
        (None, None),
        "",
        "eng,spa",
        None,
        None,
    ),
    (
        IOM,
        "return_repatriation",
        "Assisted voluntary return",
        "",
        (None, None),
        "",
        "eng,spa,por",
        None,
        None,
    ),
    (
        IOM,
        "interpretation",
        "Interpreters (Spanish, Portuguese)",
        "",
        (None, None),
        "",
        "spa,por",
        None,
        None,
    ),
    (
        POLICE,
        "law_enforcement",
        "TIP unit investigators",
        "",
        (None, None),
        "",
        "eng",
        None,
        None,
    ),
    (
        GGMC,
        "emergency_medical",
        "Mining district medical outreach",
        "",
        (None, None),
        "GY-CU,GY-BA,GY-PT",
        "eng",
        None,
        None,
    ),
];

/// The seed's training: three workshops over two weeks, 99 people from these agencies.
const TRAINED_AGENCIES: &[usize] = &[
    CTIP_UNIT,
    LABOUR,
    2,
    CPA,
    4,
    FORESTRY,
    GGMC,
    HELP_AND_SHELTER,
    FOOD_FOR_THE_POOR,
];
const DEMO_WORKSHOPS: &[(&str, &str, &str, &str, &str)] = &[
    (
        "Identification, referral and protection of victims of trafficking",
        "2026-07-06",
        "2026-07-07",
        "GY-DE",
        "Georgetown",
    ),
    (
        "Identification, referral and protection of victims of trafficking",
        "2026-07-09",
        "2026-07-10",
        "GY-CU",
        "Bartica",
    ),
    (
        "Identification, referral and protection of victims of trafficking",
        "2026-07-15",
        "2026-07-16",
        "GY-UT",
        "Lethem",
    ),
];

struct DemoScreening {
    case_id: Option<CaseId>,
    agency: AgencyId,
    user: UserId,
    at: i64,
    region: Option<String>,
    child: bool,
    labour: bool,
    sexual: bool,
}

/// Demo referrals from the shelter to Food for the Poor: (days ago sent, urgency, what happened).
const DEMO_REFERRALS: &[(i64, &str, &str)] = &[
    (9, "routine", "overdue"),
    (3, "within_24h", "in_progress"),
    (20, "routine", "completed"),
    (6, "routine", "declined"),
];

/// Referrals at every stage, through the use-cases (consent first), as the shelter's case
/// worker and the provider would make them; one is overdue, one declined (to redirect).
async fn referrals(
    h: &Haven,
    users: &[(UserId, Role, usize)],
    agencies: &[AgencyId],
    t0: i64,
) -> Result<()> {
    let find = |role: Role, agency: usize| {
        users
            .iter()
            .find(|(_, r, a)| *r == role && *a == agency)
            .map(|u| u.0)
    };
    let (Some(cw), Some(provider)) = (
        find(Role::CaseWorker, HELP_AND_SHELTER),
        find(Role::ServiceProvider, FOOD_FOR_THE_POOR),
    ) else {
        return Ok(());
    };
    let cw = h.principal_of_user(cw).await?;
    let provider = h.principal_of_user(provider).await?;
    let to = agencies[FOOD_FOR_THE_POOR];
    let o = Origin {
        ip: Some("demo".into()),
    };
    let mut plan = DEMO_REFERRALS.iter();
    let mut next = plan.next();
    for case in h.all_case_ids().await? {
        let Some(&(days, urgency, fate)) = next else {
            break;
        };
        // The shelter's own open cases only.
        if h.case_number(&cw, case).await.is_err() {
            continue;
        }
        let consent = haven_core::consents::ConsentInput {
            purpose: "referral".into(),
            agency_id: to.to_string(),
            given_by: "person".into(),
            ..Default::default()
        };
        // Consent is given on the day the referral is sent.
        let sent = t0 - days * DAY;
        if h.at(sent)
            .record_consent(&cw, case, &consent, &o)
            .await
            .is_err()
        {
            continue;
        }
        let input = haven_core::referrals::ReferralInput {
            to_agency_id: to.to_string(),
            services: vec!["material_assistance".into()],
            urgency: urgency.into(),
            reason: "Left the camp with nothing: needs food, clothes and hygiene items.".into(),
            sections: vec!["identity".into(), "languages".into()],
            send: true,
            ..Default::default()
        };
        let Ok(id) = h.at(sent).create_referral(&cw, case, &input, &o).await else {
            continue;
        };
        use haven_core::referrals::Decision;
        let moves: Vec<(Decision, i64)> = match fate {
            "in_progress" => vec![(Decision::Accept, DAY), (Decision::Start, DAY + 3600)],
            "completed" => vec![
                (Decision::Accept, 3600),
                (Decision::Start, DAY),
                (
                    Decision::Complete {
                        outcome: "Food parcels and clothing given for three months.".into(),
                    },
                    10 * DAY,
                ),
            ],
            "declined" => vec![(
                Decision::Decline {
                    reason: "No stock in that region this month.".into(),
                },
                DAY,
            )],
            _ => vec![],
        };
        for (d, after) in moves {
            h.at(sent + after)
                .decide_referral(&provider, &id, d, &o)
                .await?;
        }
        next = plan.next();
    }
    Ok(())
}

/// Protection on a few of the shelter's open cases: risk assessments (one critical), a
/// reflection period, follow-up visits (one overdue).
async fn protection(h: &Haven, users: &[(UserId, Role, usize)], t0: i64) -> Result<()> {
    let Some(cw) = users
        .iter()
        .find(|(_, r, a)| *r == Role::CaseWorker && *a == HELP_AND_SHELTER)
        .map(|u| u.0)
    else {
        return Ok(());
    };
    let cw = h.principal_of_user(cw).await?;
    let o = Origin {
        ip: Some("demo".into()),
    };
    let day = |ts: i64| {
        time::OffsetDateTime::from_unix_timestamp(ts)
            .map(|t| t.date().to_string())
            .unwrap_or_default()
    };
    let levels = ["Critical", "Medium", "Low"];
    let mut k = 0;
    for case in h.all_case_ids().await? {
        if k == levels.len() {
            break;
        }
        let risk = haven_core::protection::RiskInput {
            kind: "intake".into(),
            assessed_on: day(t0 - (k as i64 + 2) * DAY),
            level: levels[k].into(),
            areas: vec![("traffickers".into(), levels[k].into())],
            safety_plan: "Stays at the shelter; a staff member goes with her to appointments."
                .into(),
            notes: String::new(),
        };
        // Closed or unreadable cases refuse: the next one is tried.
        if h.at(t0).record_risk(&cw, case, &risk, &o).await.is_err() {
            continue;
        }
        h.at(t0)
            .start_reflection(&cw, case, &day(t0 - (k as i64 + 2) * DAY), "", &o)
            .await?;
        let task = haven_core::protection::TaskInput {
            kind: "visit".into(),
            title: "Visit with the counsellor".into(),
            due_on: day(t0 + (k as i64 * 3 - 2) * DAY),
            assigned_to: String::new(),
            note: String::new(),
        };
        h.at(t0).create_task(&cw, case, &task, &o).await?;
        k += 1;
    }
    Ok(())
}

/// A screening with answers drawn at one of three levels of evidence (the engine evaluates it
/// when it is written).
fn screening(h: &Haven, g: &mut Gen, s: DemoScreening) -> SeedScreening {
    use haven_domain::screening::Answer;
    let (present, absent) = *g.pick(&[(4u64, 20u64), (15, 15), (35, 10)]);
    let mut answers = std::collections::BTreeMap::new();
    for i in &h.policy.screening.indicators {
        let answer = if g.chance(present) {
            Answer::Present
        } else if g.chance(absent) {
            Answer::Absent
        } else {
            continue;
        };
        answers.insert(i.id.clone(), answer);
    }
    let act = g.chance(70);
    SeedScreening {
        case_id: s.case_id,
        agency: s.agency,
        user: s.user,
        at: s.at,
        region: s.region,
        interpreter: g.chance(15),
        child: s.child,
        labour: s.labour,
        sexual: s.sexual,
        act,
        answers,
    }
}

/// The seed's training: 3 workshops of 33 participants, with attendance, scores and
/// certificates; the screener and the labour inspector took part (their work afterwards
/// feeds the report's outcome figures).
async fn training(
    seed: &mut haven_core::platform::seed::Seeder<'_>,
    g: &mut Gen,
    agency_ids: &[AgencyId],
    users: &[(UserId, Role, usize)],
    t0: i64,
) -> Result<()> {
    use haven_store::training as store;
    let creator = users
        .iter()
        .find(|u| u.1 == Role::Trainer)
        .map(|u| u.0)
        .unwrap_or(users[0].0);
    let linked: Vec<(UserId, usize)> = users
        .iter()
        .filter(|u| u.1 == Role::Screener)
        .map(|u| (u.0, u.2))
        .collect();
    let folks = [&AFRO, &INDO, &INDIGENOUS];
    for (k, (title, first, last, region, place)) in DEMO_WORKSHOPS.iter().enumerate() {
        let id = new_id();
        seed.workshop(store::WorkshopRow {
            id: id.clone(),
            title: title.to_string(),
            topics: "identification,referral,protection".into(),
            first_day: first.to_string(),
            last_day: last.to_string(),
            region: Some(region.to_string()),
            place: Some(place.to_string()),
            format: "in_person".into(),
            language: Some("eng".into()),
            trainers: Some("IOM Guyana and the Counter-Trafficking in Persons Unit".into()),
            organiser: Some(
                "IOM Guyana with the Ministry of Human Services and Social Security".into(),
            ),
            funder: Some("US Department of State (J/TIP)".into()),
            grant_ref: Some("DEMO-GRANT-0001".into()),
            capacity: Some(35),
            pass_mark: 60,
            min_attendance: 80,
            questionnaire: Some("v1".into()),
            created_by: Some(creator),
            created_at: t0,
            updated_at: t0,
        })
        .await?;
        let days: Vec<String> = haven_training::days(
            haven_domain::record::parse_date(first).unwrap_or(date_of(t0)),
            haven_domain::record::parse_date(last).unwrap_or(date_of(t0)),
        )
        .unwrap_or_default()
        .iter()
        .map(|d| d.to_string())
        .collect();
        for n in 0..33 {
            let folk = *g.pick(&folks);
            let female = g.chance(62);
            let given = if female {
                g.pick(folk.female)
            } else {
                g.pick(folk.male)
            };
            let family = g.pick(folk.surnames);
            // The first participant of each of the first workshops is a demo screener.
            let (user, agency) = match linked.get(k).filter(|_| n == 0) {
                Some((u, a)) => (Some(*u), *a),
                None => (None, *g.pick(TRAINED_AGENCIES)),
            };
            let row = store::TraineeRow {
                id: new_id(),
                first_name: None,
                family_name: None,
                position: None,
                contact: None,
                sex: if female { "female" } else { "male" }.into(),
                agency_id: Some(agency_ids[agency]),
                organisation: None,
                region: Some(region.to_string()),
                user_id: user,
                created_at: t0,
                updated_at: t0,
            };
            let attended: Vec<String> = if g.chance(90) {
                days.clone()
            } else {
                days[..1].to_vec()
            };
            let pre = g.range(25, 65);
            let post = (pre + g.range(5, 40)).min(100);
            let done = haven_training::CompletionRule {
                min_attendance_pct: 80,
                pass_mark: 60,
            }
            .completed(days.len(), attended.len(), Some(post as u32));
            let code = done.then(|| haven_training::certificate_code(g.next()));
            seed.participant(
                row,
                (given, family),
                &id,
                t0 + n as i64,
                &attended,
                (pre, post),
                code.as_deref(),
            )
            .await?;
        }
    }
    Ok(())
}

/// A tip in the state its index gives: new, assigned, linked to no case yet, not actionable;
/// with its body (JSON) to be sealed.
fn tip(
    g: &mut Gen,
    k: usize,
    what: &str,
    suspected: &str,
    hotline: Option<(UserId, AgencyId)>,
    coordinator: Option<UserId>,
    t0: i64,
) -> (haven_store::tips::TipRow, String) {
    let by_phone = k % 2 == 1;
    let body = serde_json::json!({
        "what": what,
        "place": "",
        "when": "",
        "contact": "",
        "call": by_phone.then(|| serde_json::json!({"caller": "witness", "language": "eng", "minutes": 6, "note": ""})),
    });
    let (status, assigned, reason) = match k % 3 {
        0 => ("new", None, None),
        1 => ("assigned", coordinator, None),
        _ => (
            "not_actionable",
            coordinator,
            Some("insufficient_information".to_string()),
        ),
    };
    let row = haven_store::tips::TipRow {
        id: new_id(),
        reference: format!("T-DEM0-{:04}", k + 1),
        channel: if by_phone { "hotline" } else { "web" }.into(),
        received_at: t0 - (k as i64 + 1) * 3 * 3600,
        region: Some(g.pick(haven_domain::GUYANA_REGIONS).code.to_string()),
        suspected: Some(suspected.to_string()).filter(|s| !s.is_empty()),
        status: status.into(),
        assigned_to: assigned,
        closed_reason: reason,
        entered_by: hotline.filter(|_| by_phone).map(|h| h.0),
        agency_id: hotline.filter(|_| by_phone).map(|h| h.1),
        updated_at: t0,
        ..Default::default()
    };
    (row, body.to_string())
}

fn is_opener(r: Role) -> bool {
    matches!(r, Role::CaseWorker | Role::Screener | Role::Coordinator)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn demo_codes_are_valid_reference_data() {
        for r in super::DEMO_REGIONS {
            haven_domain::Region::parse(r).unwrap();
        }
        for a in super::AGENCIES {
            haven_domain::Region::parse(a.region).unwrap();
        }
    }

    #[test]
    fn agency_indices_name_the_right_agencies() {
        assert_eq!(
            AGENCIES[CTIP_UNIT].kind,
            AgencyType::CentralGovernmentOrganisation
        );
        assert_eq!(AGENCIES[LABOUR].name, "Ministry of Labour");
        assert_eq!(AGENCIES[CPA].name, "Child Care and Protection Agency");
        assert_eq!(AGENCIES[FORESTRY].name, "Guyana Forestry Commission");
        assert_eq!(AGENCIES[GGMC].name, "Guyana Geology and Mines Commission");
        assert!(AGENCIES[POLICE].name.starts_with("Guyana Police Force"));
        assert_eq!(AGENCIES[HELP_AND_SHELTER].name, "Help & Shelter");
        assert_eq!(AGENCIES[FOOD_FOR_THE_POOR].name, "Food for the Poor Guyana");
        assert_eq!(AGENCIES[IOM].name, "IOM Guyana");
    }

    const PROFILES: &[Profile] = &[
        Profile::MiningSex,
        Profile::MiningLabour,
        Profile::Logging,
        Profile::Domestic,
        Profile::ChildTrade,
        Profile::ForcedBegging,
        Profile::ForcedMarriage,
    ];

    const T0: i64 = 1_780_000_000; // 2026-05-28

    /// Cases as `load` makes them: the same openers, opening dates and generator.
    fn sample(n: usize) -> Vec<(usize, i64, DemoCase)> {
        let openers: Vec<usize> = USERS
            .iter()
            .filter(|u| is_opener(u.2))
            .map(|u| u.3)
            .collect();
        let mut g = Gen(SEED);
        (0..n)
            .map(|_| {
                let agency = *g.pick(&openers);
                let opened = T0 - g.below(730 * 86400) as i64;
                (agency, opened, demo_case(&mut g, agency, opened, T0))
            })
            .collect()
    }

    #[test]
    fn every_generated_case_is_valid_and_consistent() {
        let today = date_of(T0);
        for (i, (_, opened, d)) in sample(500).into_iter().enumerate() {
            let opened_d = date_of(opened);
            let mut r = d.record.clone();
            r.normalise(today)
                .unwrap_or_else(|e| panic!("case {i}: {e:?}\n{:#?}", d.record));
            if let (Some(then), Some(now)) = (r.victim.age_when_trafficked, r.age(today)) {
                assert!(then <= now, "case {i}");
            }
            if let Some(rd) = haven_domain::record::parse_date(&r.case.referral_date) {
                assert!(rd <= opened_d, "case {i}: referral after opening");
            }
            assert!((1..=3).contains(&d.events.len()), "case {i}");
            assert!(d.perpetrators.len() <= 2 && d.notes.len() <= 3, "case {i}");
            let mut last = None;
            for e in &d.events {
                let mut e2 = e.clone();
                e2.normalise(today)
                    .unwrap_or_else(|err| panic!("case {i}: {err:?} {e:?}"));
                for s in [&e.start_date, &e.end_date] {
                    if let Some(day) = haven_domain::record::parse_date(s) {
                        assert!(day <= opened_d, "case {i}: event after opening");
                        assert!(
                            last.is_none_or(|l| l <= day),
                            "case {i}: events out of order"
                        );
                        last = Some(day);
                    }
                }
            }
            for p in &d.perpetrators {
                p.clone()
                    .normalise()
                    .unwrap_or_else(|err| panic!("case {i}: {err:?} {p:?}"));
            }
            let end = if d.status == CaseStatus::Active {
                T0
            } else {
                d.status_at
            };
            assert!(d.status_at >= opened && d.status_at <= T0, "case {i}");
            assert!(
                d.notes
                    .iter()
                    .all(|(at, b)| *at >= opened && *at <= end && !b.is_empty()),
                "case {i}: notes out of range"
            );
            assert!(d.notes.windows(2).all(|w| w[0].0 <= w[1].0), "case {i}");
            match d.status {
                CaseStatus::Closed | CaseStatus::ClosedReferred => {
                    let (reason, note) = d.closure.as_ref().expect("closed with a reason");
                    assert!(haven_domain::reference::HVN_CLOSURE_REASON.contains(reason));
                    assert!(!note.is_empty());
                }
                _ => assert!(d.closure.is_none()),
            }
            for doc in &r.person.identity_documents {
                assert!(!doc.document_number.is_empty(), "case {i}");
            }
        }
    }

    #[test]
    fn the_demo_is_varied() {
        let today = date_of(T0);
        let cases = sample(300);
        let nationalities: BTreeSet<&str> = cases
            .iter()
            .flat_map(|(_, _, d)| d.record.person.citizenship.iter().map(String::as_str))
            .collect();
        assert!(nationalities.len() >= 4, "{nationalities:?}");
        let guyanese = cases
            .iter()
            .filter(|(_, _, d)| d.record.person.citizenship[0] == "GY")
            .count();
        assert!(
            guyanese * 2 > cases.len(),
            "Guyanese are the majority: {guyanese}"
        );
        for p in PROFILES {
            assert!(cases.iter().any(|(_, _, d)| d.profile == *p), "{p:?}");
        }
        for t in [
            "SexualExploitation",
            "ForcedLabour",
            "ChildLabour",
            "Servitude",
        ] {
            assert!(
                cases.iter().any(|(_, _, d)| d
                    .record
                    .victim
                    .type_of_exploitation
                    .iter()
                    .any(|x| x == t)),
                "{t}"
            );
        }
        assert!(
            cases
                .iter()
                .any(|(_, _, d)| d.record.person.is_child(today))
        );
        assert!(
            cases
                .iter()
                .any(|(_, _, d)| !d.record.person.is_child(today))
        );
        for s in [
            CaseStatus::Active,
            CaseStatus::FollowUp,
            CaseStatus::Closed,
            CaseStatus::ClosedReferred,
        ] {
            assert!(cases.iter().any(|(_, _, d)| d.status == s), "{s:?}");
        }
        for s in [
            "PossibleVictimOfTrafficking",
            "ActualVictimOfTrafficking",
            "NotAVictimOfTrafficking",
        ] {
            assert!(
                cases
                    .iter()
                    .any(|(_, _, d)| d.record.victim.trafficking_status == s),
                "{s}"
            );
        }
        let languages: BTreeSet<&str> = cases
            .iter()
            .map(|(_, _, d)| d.record.person.primary_language.as_str())
            .collect();
        for l in ["eng", "spa", "por", "cpe"] {
            assert!(languages.contains(l), "{l} in {languages:?}");
        }
        let without_documents = cases
            .iter()
            .filter(|(_, _, d)| d.record.person.identity_documents.is_empty())
            .count();
        assert!((25..=55).contains(&(without_documents * 100 / cases.len())));
        assert!(cases.iter().any(|(_, _, d)| {
            d.record
                .victim
                .recruitment_websites_and_apps
                .iter()
                .any(|a| a == "WhatsApp")
        }));
        assert!(cases.iter().any(|(_, _, d)| d.perpetrators.len() == 2));
        assert!(cases.iter().any(|(_, _, d)| d.events.len() == 3));
        assert!(cases.iter().any(|(_, _, d)| d.notes.len() == 3));
    }

    #[test]
    fn generation_is_deterministic() {
        let a = sample(50);
        let b = sample(50);
        for ((_, _, x), (_, _, y)) in a.iter().zip(&b) {
            assert_eq!(x.record, y.record);
            assert_eq!(x.events, y.events);
            assert_eq!(x.notes, y.notes);
        }
    }

    #[tokio::test]
    async fn the_demo_loads_and_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("haven.db").display());
        let db = haven_store::Db::connect(&url, haven_store::OpenMode::CreateIfMissing)
            .await
            .unwrap();
        db.migrate().await.unwrap();
        let kek = haven_crypto::Kek::generate();
        haven_core::keys::ensure_keyring(&db, &kek).await.unwrap();
        let ring = haven_core::keys::load_keyring(&db, &kek).await.unwrap();
        let h = Haven::new(db.clone(), &ring, haven_core::Policy::default()).unwrap();
        // As many cases as the integration tests' demo.
        let summary = load(&h, 40, |_, _| {}).await.unwrap();
        assert_eq!(summary.cases, 40);
        assert!(h.demo_loaded().await.unwrap());
        let ids = h.all_case_ids().await.unwrap();
        assert_eq!(ids.len(), 40);
        // The coordinator must have something not to see: a case of Help & Shelter (which does
        // not consent to coordination) the coordinator's agency is not involved in.
        let agencies = h.list_agencies().await.unwrap();
        let id_of = |name: &str| {
            agencies
                .iter()
                .find(|a| a.name == name)
                .unwrap()
                .id
                .to_string()
        };
        let hidden: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM cases c WHERE c.owner_agency_id = $1 AND NOT EXISTS
                 (SELECT 1 FROM case_agencies a WHERE a.case_id = c.id AND a.agency_id = $2)",
        )
        .bind(id_of(AGENCIES[HELP_AND_SHELTER].name))
        .bind(id_of(AGENCIES[CTIP_UNIT].name))
        .fetch_one(db.pool())
        .await
        .unwrap();
        assert!(hidden > 0);
        // Referrals at every stage, one overdue.
        let statuses: Vec<String> =
            sqlx::query_scalar("SELECT status FROM referrals ORDER BY status")
                .fetch_all(db.pool())
                .await
                .unwrap();
        assert_eq!(statuses, ["completed", "declined", "in_progress", "sent"]);
        let overdue: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM referrals WHERE status = 'sent' AND due_at < $1",
        )
        .bind(h.now())
        .fetch_one(db.pool())
        .await
        .unwrap();
        assert_eq!(overdue, 1);
        for (table, n) in [
            ("risk_assessments", 3),
            ("reflection_periods", 3),
            ("tasks", 3),
        ] {
            let got: i64 =
                sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
                    .fetch_one(db.pool())
                    .await
                    .unwrap();
            assert_eq!(got, n, "{table}");
        }
        let (mut events, mut perpetrators, mut notes, mut closed) = (0, 0, 0, 0);
        let origin = Origin::default();
        for id in ids {
            // Read as the user who opened the case, through the rule and the use-case.
            let opener: String = sqlx::query_scalar("SELECT created_by FROM cases WHERE id = $1")
                .bind(id.to_string())
                .fetch_one(db.pool())
                .await
                .unwrap();
            let p = h.principal_of_user(opener.parse().unwrap()).await.unwrap();
            let doc = h
                .open_case(&p, id, &origin)
                .await
                .expect("the opener reads it");
            assert!(!doc.parts.events.is_empty());
            events += doc.parts.events.len();
            perpetrators += doc.parts.perpetrators.len();
            notes += doc.parts.notes.len();
            if let Some(note) = &doc.closure_note {
                assert!(!note.is_empty() && doc.closure_reason.is_some());
                assert!(doc.closed_at.is_some() && doc.version == 2);
                closed += 1;
            }
            doc.record.clone().normalise(h.today()).unwrap();
        }
        assert!(events >= 40 && perpetrators > 0 && notes > 0 && closed > 0);
    }
}
