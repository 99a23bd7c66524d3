//! Tests of `app::mod`.

use super::*;

#[test]
fn the_search_field_shows_what_the_index_finds_and_drops_stale_answers() {
    let dir = tempfile::tempdir().unwrap();
    let library = Library::open(&dir.path().join("library")).unwrap();
    library
        .catalog()
        .unwrap()
        .write("tester", |tx| {
            for (n, caption) in [(1u32, "Выступление Мамая"), (2, "Площадь Республики")]
            {
                let sha = format!("{n:064x}");
                let id = tx.insert_item(&crate::catalog::NewItem {
                    stored_path: format!("originals/{sha}.jpg"),
                    sha256: sha,
                    original_name: format!("IMG_{n}.JPG"),
                    source_path: format!("/p/IMG_{n}.JPG"),
                    format: "jpeg".into(),
                    ..Default::default()
                })?;
                tx.tag(
                    id,
                    &TagChange {
                        caption: Some(Some(caption.into())),
                        ..Default::default()
                    },
                )?;
            }
            Ok(())
        })
        .unwrap();
    let ctx = egui::Context::default();
    let mut app = KadrApp::new(&ctx, library, "tester".into(), Prefs::default());
    let settle = |app: &mut KadrApp, done: &dyn Fn(&KadrApp) -> bool| {
        let start = std::time::Instant::now();
        while !done(app) {
            app.logic(&ctx);
            std::thread::sleep(std::time::Duration::from_millis(5));
            assert!(start.elapsed().as_secs() < 30, "no answer");
        }
    };
    settle(&mut app, &|a| a.is_loaded() && a.visible.len() == 2);
    app.filter.text = "vystup mamai".into();
    settle(&mut app, &|a| a.visible.len() == 1);
    assert_eq!(
        app.items[app.visible[0]].caption.as_deref(),
        Some("Выступление Мамая")
    );
    // A late answer to an older search changes nothing.
    let newest = app.search.job.unwrap();
    app.search
        .answered(newest - 1, Arc::new(crate::ids::IdSet::new()));
    app.logic(&ctx);
    assert_eq!(app.visible.len(), 1);
    // Clearing the field shows everything at once.
    app.filter.text.clear();
    app.logic(&ctx);
    assert_eq!(app.visible.len(), 2);
}

#[test]
fn an_error_ends_only_the_job_that_failed() {
    let dir = tempfile::tempdir().unwrap();
    let library = Library::open(&dir.path().join("library")).unwrap();
    let ctx = egui::Context::default();
    let mut app = KadrApp::new(&ctx, library, "tester".into(), Prefs::default());
    app.import.begin();
    app.jobs.import = Some(100);
    app.verify.running = true;
    app.jobs.verify = Some(101);
    app.export.running = true;
    app.jobs.export = Some(102);

    // A catalogue command fails (a place typed as `Алматы >`): nothing else ends.
    app.on_event(Event::Failed {
        job: 7,
        error: "bad place".into(),
    });
    assert_eq!(app.message.as_deref(), Some("bad place"));
    assert!(app.import.running && app.verify.running && app.export.running);

    // The fixity check fails: "verifying" ends, the import goes on.
    app.on_event(Event::Failed {
        job: 101,
        error: "unreadable".into(),
    });
    assert!(!app.verify.running);
    assert!(app.import.running && app.export.running);
    // A late event of the finished check changes nothing.
    app.on_event(Event::VerifyProgress {
        job: 101,
        done: 1,
        total: 2,
    });
    assert_eq!(app.verify.total, 0);

    app.on_event(Event::Failed {
        job: 100,
        error: "disk full".into(),
    });
    assert!(!app.import.running);
    assert!(app.export.running);
}
