use super::*;

fn ev(kind: Kind, repo: &str, at: &str) -> Evidence {
    Evidence {
        kind,
        repo: repo.into(),
        url: format!("https://github.com/{repo}/pull/1"),
        at: at.into(),
        title: Some("Add async checkpointing for DCP.".into()),
        number: Some(12345),
        review_state: None,
        path: None,
        needs_hydration: false,
        area: None,
        measures: None,
        measured: None,
        weight: 1.0,
        why: None,
        focus: None,
        quote: None,
    }
}

#[test]
fn places_are_named_as_people_name_them() {
    let c = Catalog::shipped();
    assert_eq!(project_name(&c, "pytorch/pytorch"), "PyTorch");
    assert_eq!(project_name(&c, "google/jax"), "JAX", "old names too");
    assert_eq!(project_name(&c, "pytorch/vision"), "PyTorch vision");
    assert_eq!(
        project_name(&c, "huggingface/diffusers"),
        "Hugging Face diffusers"
    );
    assert_eq!(project_name(&c, "google/flax"), "flax");
    assert_eq!(project_name(&c, "rails/rails"), "rails/rails");
    assert_eq!(
        place(&c, "pytorch/pytorch", Some("distributed training")),
        "PyTorch's distributed training"
    );
    assert_eq!(
        place(&c, "huggingface/transformers", Some("model: bert")),
        "Hugging Face transformers' bert model"
    );
    assert_eq!(place(&c, "jax-ml/jax", Some("jax/_src")), "JAX");
    assert_eq!(
        place(&c, "pytorch/pytorch", Some("tests")),
        "PyTorch's tests"
    );
    assert_eq!(month_words("2026-03-14T10:00:00Z"), "March 2026");
}

#[test]
fn each_variant_reads_as_a_sentence() {
    let c = Catalog::shipped();
    let mut pr = ev(Kind::PrMerged, "pytorch/pytorch", "2026-03-14T10:00:00Z");
    pr.area = Some("distributed training".into());
    let p = place(&c, &pr.repo, pr.area.as_deref());
    assert_eq!(
            sentence(&pr, &cite(&pr, &p)),
            "I saw your PR to PyTorch's distributed training (#12345, 'Add async checkpointing for DCP', merged March 2026)."
        );
    let mut review = ev(Kind::Review, "jax-ml/jax", "2025-11-02T10:00:00Z");
    review.quote = Some("This breaks sharding when the mesh has a size-one axis; we should check it before lowering, not after.".into());
    let s = cite(&review, &place(&c, &review.repo, None));
    assert!(
            s.starts_with("your review of PR #12345 in JAX ('Add async checkpointing for DCP', November 2025), where you wrote “This breaks sharding when the mesh has a size-one axis; we should…”"),
            "{s}"
        );
    let mut model = ev(
        Kind::Model,
        "huggingface.co/ana/tiny-bert",
        "2024-02-01T00:00:00Z",
    );
    model.title = Some("ana/tiny-bert".into());
    model.measures = Some(builtby_model::Measures {
        downloads_all_time: Some(1_234_567),
        ..Default::default()
    });
    assert_eq!(
        cite(&model, "x"),
        "your model ana/tiny-bert on Hugging Face (1,234,567 downloads)"
    );
    let mut paper = ev(Kind::Paper, "arxiv.org", "2024-05-01T00:00:00Z");
    paper.title = Some("Sparse Mixtures at Scale".into());
    assert_eq!(
        sentence(&paper, &cite(&paper, "x")),
        "I read your paper 'Sparse Mixtures at Scale' (arXiv, May 2024)."
    );
    let mut medal = ev(Kind::KaggleMedal, "kaggle.com/ana", "2023-07-01T00:00:00Z");
    medal.title = Some("Gold medal: Predict Molecular Properties".into());
    medal.measures = Some(builtby_model::Measures {
        medal: Some(1),
        ..Default::default()
    });
    assert_eq!(
        cite(&medal, "x"),
        "your gold medal in the Kaggle competition 'Predict Molecular Properties' (July 2023)"
    );
    let commit = ev(Kind::Commit, "rails/rails", "2012-02-15T00:00:00Z");
    assert_eq!(
        cite(&commit, "rails/rails"),
        "your commit to rails/rails ('Add async checkpointing for DCP', February 2012)"
    );
}

#[test]
fn the_most_specific_recent_merged_work_is_chosen() {
    let c = Catalog::shipped();
    let old_pr = ev(Kind::PrMerged, "pytorch/pytorch", "2023-01-01T00:00:00Z");
    let mut new_pr = ev(Kind::PrMerged, "pytorch/pytorch", "2024-01-01T00:00:00Z");
    new_pr.url = "https://github.com/pytorch/pytorch/pull/2".into();
    let mut named = ev(Kind::PrMerged, "pytorch/pytorch", "2022-01-01T00:00:00Z");
    named.area = Some("distributed training".into());
    named.url = "https://github.com/pytorch/pytorch/pull/3".into();
    let mut chore = ev(Kind::PrMerged, "pytorch/pytorch", "2025-01-01T00:00:00Z");
    chore.weight = 0.2;
    chore.area = Some("distributed training".into());
    let mut review = ev(Kind::Review, "pytorch/pytorch", "2025-06-01T00:00:00Z");
    review.quote = Some("this needs a test for the empty case".into());
    let all = vec![review.clone(), chore, old_pr.clone(), new_pr.clone(), named];
    let (i, why) = choose(&c, &all).unwrap();
    assert_eq!(
        all[i].url, "https://github.com/pytorch/pytorch/pull/3",
        "{why}"
    );
    assert!(
        why.contains("a merged PR") && why.contains("named area"),
        "{why}"
    );
    let (i, _) = choose(&c, &[old_pr, new_pr.clone()]).unwrap();
    assert_eq!(i, 1, "newest");
    let (i, why) = choose(&c, &[review, new_pr]).unwrap();
    assert_eq!(i, 1, "merged before reviewed: {why}");
    let mut lgtm = ev(Kind::Review, "o/r", "2025-01-01T00:00:00Z");
    lgtm.quote = Some("LGTM".into());
    let commit = ev(Kind::Commit, "o/r", "2020-01-01T00:00:00Z");
    let (i, _) = choose(&c, &[lgtm, commit]).unwrap();
    assert_eq!(i, 1, "two words are not worth quoting: the commit is cited");
}

#[test]
fn templates_name_unknown_placeholders() {
    let t = Template::parse(
        "Hi {name},\n{first_line} {{literal}}\n{problme} {signature}",
        "mine.txt",
    )
    .unwrap_err();
    let s = t.to_string();
    assert!(
        s.contains("{problme} (line 3)")
            && s.contains("{signature} (line 3)")
            && s.contains("mine.txt"),
        "{s}"
    );
    assert!(s.contains("{first_line}"), "known ones listed: {s}");
    assert!(matches!(
        Template::parse("Hi {name", "x").unwrap_err(),
        TemplateError::Unclosed { line: 1, .. }
    ));
    assert!(matches!(
        Template::parse("Hi {name}", "x").unwrap_err(),
        TemplateError::NoCitation { .. }
    ));
    let t = Template::parse("{cite} {{x}} {link}", "x").unwrap();
    assert_eq!(
        t.render(&[("cite", "your PR".into()), ("link", "L".into())]),
        "your PR {x} L"
    );
    assert!(Template::parse(SHIPPED_TEMPLATE, "shipped").is_ok());
}
