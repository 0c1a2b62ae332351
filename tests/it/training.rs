//! Training, in French, through the real server: a workshop, a sign-up sheet imported after its
//! preview, the duplicate check, attendance and scores, certificates and their public
//! verification, the reports; participants sealed; trainers see training, never cases.
use crate::harness::{TestApp, location};

/// A sign-up sheet as Excel writes it in French on Windows: semicolons, Windows-1252.
fn sheet() -> Vec<u8> {
    let mut b = b"Pr\xe9nom;Nom;Sexe;Organisme;Poste;R\xe9gion;T\xe9l\xe9phone\n".to_vec();
    b.extend_from_slice(
        b"Andr\xe9;Dupr\xe9;H;Ministry of Labour;Inspecteur;R\xe9gion 7;600-1111\n",
    );
    b.extend_from_slice(
        b"Lucie;Marchand;F;Help & Shelter;Travailleuse sociale;Demerara-Mahaica;\n",
    );
    b.extend_from_slice(b"Ana;Rojas;F;Commission des mines;Agente;GY-BA;\n");
    b.extend_from_slice(b";;Z;;;Atlantide;\n");
    b
}

pub(crate) fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let i = html
        .find(start)
        .unwrap_or_else(|| panic!("{start:?} not in page"))
        + start.len();
    let j = html[i..].find(end).unwrap() + i;
    &html[i..j]
}

#[tokio::test]
async fn a_workshop_from_sign_up_sheet_to_certificates_and_report_in_french() {
    let app = TestApp::spawn().await;
    let t = app.login("trainer").await;
    t.post_form("/language", &[("lang", "fr")]).await;
    let page = t.get("/training").await.text().await.unwrap();
    assert!(page.contains("Nouvel atelier"));

    // The workshop; a bad form keeps what was typed and names the fields in French.
    let res = t
        .post_form(
            "/training/new",
            &[
                ("title", "Identification et orientation"),
                ("first_day", "2026-02-25"),
                ("last_day", "2026-02-23"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(html.contains("Thèmes") && html.contains("Dernier jour"));
    assert!(html.contains("Identification et orientation"));
    let res = t
        .post_form(
            "/training/new",
            &[
                ("title", "Identification et orientation des victimes"),
                ("topics", "identification"),
                ("topics", "referral"),
                ("first_day", "2026-02-23"),
                ("last_day", "2026-02-25"),
                ("region", "GY-DE"),
                ("place", "Georgetown"),
                ("format", "in_person"),
                ("organiser", "Ministère de la Protection sociale"),
                ("funder", "OIM"),
                ("pass_mark", "70"),
                ("min_attendance", "80"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let ws = location(&res).trim_start_matches("/training/").to_string();
    let base = format!("/training/{ws}");
    // The dates in words, with their number of days.
    let html = t.get(&base).await.text().await.unwrap();
    assert!(
        html.contains("<dd id=\"dates\">23–25 février 2026 (3 jours)</dd>"),
        "{}",
        between(&html, "<dl>", "</dl>")
    );

    // The sheet: a preview first, nothing written.
    let before = app.count("SELECT COUNT(*) FROM trainees").await;
    let res = t
        .upload(&format!("{base}/import"), "emargement.csv", sheet())
        .await;
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("3 lignes sur 4"),
        "{}",
        between(&html, "<main", "</table>")
    );
    assert!(html.contains("Atlantide") && html.contains("Sexe"));
    let after_preview = app.count("SELECT COUNT(*) FROM trainees").await;
    assert_eq!(after_preview, before, "a preview writes nothing");
    let rows = unescape(between(&html, "name=\"rows\" value=\"", "\""));
    let res = t
        .upload(
            &format!("{base}/import"),
            "x.csv",
            b"Couleur;Taille\nrouge;4\n".to_vec(),
        )
        .await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("Aucune colonne de noms"));
    let res = t
        .post_form(&format!("{base}/import/confirm"), &[("rows", &rows)])
        .await;
    assert_eq!(res.status(), 303);
    let to = res.headers()["location"].to_str().unwrap().to_string();
    let html = t.get(&to).await.text().await.unwrap();
    assert!(html.contains("Importés : 3 nouveaux participants, 0 déjà connus"));
    assert!(html.contains("André") && html.contains("Dupré"));

    // Sealed at rest.
    let names: Vec<Vec<u8>> =
        sqlx::query_scalar("SELECT first_name FROM trainees WHERE first_name IS NOT NULL")
            .fetch_all(app.store.pool())
            .await
            .unwrap();
    assert!(names.iter().all(|n| !n.windows(5).any(|w| w == b"Lucie")));

    // The same person typed again is offered, not duplicated; a new one is linked to an account.
    let res = t
        .post_form(
            &format!("{base}/participants"),
            &[
                ("first_name", "Andre"),
                ("family_name", "Dupre"),
                ("sex", "male"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(html.contains("Déjà connu"));
    let existing = between(&html, "name=\"existing\" value=\"", "\"").to_string();
    // A given name more is the matching engine's find (not all the typed words are known).
    let res = t
        .post_form(
            &format!("{base}/participants"),
            &[
                ("first_name", "Andre Luis"),
                ("family_name", "Dupre"),
                ("sex", "male"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("Déjà connu") && html.contains(&existing),
        "{html}"
    );
    let res = t
        .post_form(&format!("{base}/participants"), &[("existing", &existing)])
        .await;
    assert_eq!(res.status(), 303);
    // Sharing a family name only is not enough to ask.
    let res = t
        .post_form(
            &format!("{base}/participants"),
            &[
                ("first_name", "Mina"),
                ("family_name", "Dupré"),
                ("sex", "female"),
                ("username", "inspector"),
                ("position", "Inspectrice du travail"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let count = app
        .count_of(
            "SELECT COUNT(*) FROM enrolments WHERE workshop_id = $1",
            &ws,
        )
        .await;
    assert_eq!(count, 4);

    // Attendance and scores: a bad score refuses the whole register.
    let ids: Vec<(String,)> = sqlx::query_as(
        "SELECT trainee_id FROM enrolments WHERE workshop_id = $1 ORDER BY created_at, trainee_id",
    )
    .bind(&ws)
    .fetch_all(app.store.pool())
    .await
    .unwrap();
    let days = ["2026-02-23", "2026-02-24", "2026-02-25"];
    let scores = [("40", "85"), ("55", "75"), ("30", "90"), ("50", "60")];
    let mut fields: Vec<(String, String)> = Vec::new();
    for (k, (id,)) in ids.iter().enumerate() {
        fields.push(("p".into(), id.clone()));
        // The third attends one day only; the fourth fails the post-test.
        let n = if k == 2 { 1 } else { 3 };
        for d in &days[..n] {
            fields.push((format!("att_{id}"), d.to_string()));
        }
        fields.push((format!("pre_{id}"), scores[k].0.into()));
        fields.push((format!("post_{id}"), scores[k].1.into()));
    }
    let mut bad = fields.clone();
    bad.push((format!("post_{}", ids[0].0), "beaucoup".into()));
    let refs = |v: &Vec<(String, String)>| {
        v.iter()
            .map(|(a, b)| (a.clone(), b.clone()))
            .collect::<Vec<_>>()
    };
    let res = t
        .post_form(
            &format!("{base}/register"),
            &refs(&bad)
                .iter()
                .map(|(a, b)| (a.as_str(), b.as_str()))
                .collect::<Vec<_>>(),
        )
        .await;
    assert_eq!(res.status(), 422);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Un score est un pourcentage")
    );
    let saved = app
        .count_of(
            "SELECT COUNT(*) FROM attendance WHERE workshop_id = $1",
            &ws,
        )
        .await;
    assert_eq!(saved, 0, "nothing saved from a refused register");
    let res = t
        .post_form(
            &format!("{base}/register"),
            &fields
                .iter()
                .map(|(a, b)| (a.as_str(), b.as_str()))
                .collect::<Vec<_>>(),
        )
        .await;
    assert_eq!(res.status(), 303);

    // Certificates for the two who completed; once only.
    let res = t.post_form(&format!("{base}/certificates"), &[]).await;
    assert_eq!(res.status(), 303);
    let html = t
        .get(&format!("{base}?issued=2"))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("2 attestations délivrées"));
    t.post_form(&format!("{base}/certificates"), &[]).await;
    let codes: Vec<(String, String)> = sqlx::query_as(
        "SELECT trainee_id, certificate_code FROM enrolments WHERE certificate_code IS NOT NULL \
         AND workshop_id = $1 ORDER BY trainee_id",
    )
    .bind(&ws)
    .fetch_all(app.store.pool())
    .await
    .unwrap();
    assert_eq!(codes.len(), 2);
    let (pid, code) = &codes[0];
    let res = t.get(&format!("{base}/certificates/{pid}")).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    let pdf = res.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    assert!(pdf.windows(24).any(|w| w == b"Attestation de formation"));
    // Text with accents is written as hex strings: look for texts either way.
    let printed = |text: &[u8]| {
        let hex: String = text.iter().map(|b| format!("{b:02X}")).collect();
        pdf.windows(text.len()).any(|w| w == text)
            || pdf.windows(hex.len()).any(|w| w == hex.as_bytes())
    };
    // The organiser signs on a line above their name; the days are in words.
    assert!(printed(&[b'_'; 34]), "a signature line");
    assert!(
        printed(b"Minist\xe8re de la Protection sociale"),
        "the organiser"
    );
    assert!(printed(b"23\x9625 f\xe9vrier 2026"), "the dates in words");
    let hex: String = code.bytes().map(|b| format!("{b:02X}")).collect();
    assert!(
        pdf.windows(code.len()).any(|w| w == code.as_bytes())
            || pdf.windows(hex.len()).any(|w| w == hex.as_bytes()),
        "the verification code is printed"
    );

    // The public verification: no account, forgiving about how the code is typed.
    let anon = app.client();
    let typed = code.to_lowercase().replace('-', " ");
    let res = anon
        .get(app.url(&format!("/verify?code={}", typed.replace(' ', "+"))))
        .header("accept-language", "fr")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(html.contains("id=\"verified\""));
    assert!(html.contains("Identification et orientation des victimes"));
    assert!(
        !html.contains("Inspecteur") && !html.contains("600-1111"),
        "name, course and date only"
    );
    let res = anon
        .get(app.url("/verify/ZZZZ-ZZZZ-ZZZZ"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);

    // Reports: the page, XLSX and PDF; analysts read them, without the workshops themselves.
    // The period of this workshop (the demo's own training is in July).
    let html = t
        .get("/training/report?from=2026-02-01&to=2026-03-31")
        .await
        .text()
        .await
        .unwrap();
    let summary = between(&html, "id=\"summary\"><strong>", "</strong>");
    assert!(
        summary.starts_with("4 personnes formées issues de 3 organismes"),
        "{summary}"
    );
    assert!(summary.contains("75 % de femmes"), "{summary}");
    let outcomes = between(&html, "id=\"outcomes\">", "</p>");
    assert!(
        outcomes.starts_with("1 ") && outcomes.contains("compte Haven"),
        "{outcomes}"
    );
    assert!(
        outcomes.contains("envoyé 0 orientations avant et 0 après"),
        "{outcomes}"
    );
    let xlsx = t
        .get("/training/report.xlsx?from=2026-01-01")
        .await
        .bytes()
        .await
        .unwrap();
    assert!(xlsx.starts_with(b"PK"));
    let pdf = t.get("/training/report.pdf").await.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let analyst = app.login("analyst").await;
    assert_eq!(analyst.get("/training/report").await.status(), 200);
    assert_eq!(analyst.get(&base).await.status(), 403);
    assert_eq!(
        t.get("/cases").await.status(),
        403,
        "trainers never see cases"
    );

    // A participant's record is corrected in place; one person, still one record.
    let res = t
        .post_form(
            &format!("/training/participants/{existing}"),
            &[
                ("first_name", "André"),
                ("family_name", "Dupré-Singh"),
                ("sex", "male"),
                ("region", "GY-CU"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let html = t
        .get(&format!("/training/participants/{existing}?saved=1"))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Dupré-Singh") && html.contains("Participant enregistré"));
    let res = t
        .post_form(
            &format!("/training/participants/{existing}"),
            &[("first_name", ""), ("family_name", ""), ("sex", "male")],
        )
        .await;
    assert_eq!(res.status(), 422);

    // Materials: uploaded to the workshop, downloaded as an attachment.
    let res = t
        .upload(
            &format!("{base}/materials"),
            "slides.txt",
            b"Slides: indicators of trafficking".to_vec(),
        )
        .await;
    assert_eq!(res.status(), 303);
    let html = t.get(&base).await.text().await.unwrap();
    let link = between(&html, "href=\"/training/materials/", "\"").to_string();
    let res = t.get(&format!("/training/materials/{link}")).await;
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    assert_eq!(
        res.bytes().await.unwrap().as_ref(),
        b"Slides: indicators of trafficking"
    );
    assert_eq!(
        analyst
            .get(&format!("/training/materials/{link}"))
            .await
            .status(),
        403
    );

    // Audited: the import, the register, the certificates, the verification.
    for action in [
        "training.imported",
        "training.register_saved",
        "training.certificates_issued",
        "training.certificate_downloaded",
        "training.certificate_verified",
        "training.report_viewed",
    ] {
        let n = app.audit_count(action).await;
        assert!(n >= 1, "{action}");
    }
}
