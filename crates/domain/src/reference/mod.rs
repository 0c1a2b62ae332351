//! Reference data: HTCDS 2.0 picklists, ISO 3166 countries and ISO 639 languages.
//! (Being filled in; see the reference-data task.)
