//! What generated people write and where they live: titles and bodies from ML and generic
//! word lists (so `--text` queries match a realistic fraction), commit messages, review
//! notes, file paths per repository (from the catalog's code areas), names and locations.

use super::rand::Rng;
use builtby_search::catalog::AreaRule;

/// ML components: what catalog work is about. Several carry the words the fixed query mix
/// searches for (`attention`), at a frequency like real ML titles.
pub const ML_COMPS: &[&str] = &[
    "flash attention",
    "attention mask",
    "scaled dot product attention",
    "tokenizer",
    "fast tokenizer",
    "FSDP",
    "FSDP2 sharding",
    "distributed checkpoint",
    "NCCL process group",
    "all-reduce",
    "the CUDA kernel",
    "the Triton kernel",
    "int8 quantization",
    "fp8 quantization",
    "GPTQ quantization",
    "the dataloader",
    "the AdamW optimizer",
    "the LR scheduler",
    "the KV cache",
    "paged KV cache",
    "rotary embeddings",
    "LayerNorm",
    "RMSNorm",
    "mixture of experts routing",
    "LoRA adapters",
    "gradient checkpointing",
    "mixed precision",
    "CUDA graphs",
    "torch.compile",
    "the JIT tracer",
    "autograd",
    "the Trainer",
    "pipeline parallelism",
    "tensor parallelism",
    "speculative decoding",
    "beam search",
    "the sampler",
    "embedding lookup",
    "softmax",
    "convolution",
    "the ONNX exporter",
    "sequence parallelism",
    "the model loader",
    "safetensors loading",
    "multi-head attention",
];
pub const ML_BUGS: &[&str] = &[
    "a memory leak",
    "a hang",
    "NaN loss",
    "a shape mismatch",
    "a segfault",
    "the wrong dtype",
    "a race condition",
    "a deadlock",
    "slow startup",
    "an OOM",
    "a recompilation",
    "a silent accuracy drop",
    "an illegal memory access",
    "wrong gradients",
];
pub const ML_CONDS: &[&str] = &[
    "using bf16",
    "world_size > 8",
    "the batch size is 1",
    "running on ROCm",
    "with fp8 inputs",
    "running on TPU",
    "resuming from a checkpoint",
    "sequence length exceeds 32k",
    "gradient accumulation is on",
    "the model is sharded",
    "using CPU offload",
    "dynamic shapes are enabled",
];
pub const ML_FEATS: &[&str] = &[
    "fused attention kernels",
    "async checkpointing",
    "fp8 training",
    "int4 weight-only quantization",
    "a sliding window attention mask",
    "context parallelism",
    "chunked prefill",
    "a streaming dataloader",
    "expert parallelism",
    "LoRA hot-swapping",
    "tokenizer batch encoding",
    "distributed evaluation",
];
pub const ML_TAGS: &[&str] = &[
    "distributed",
    "inductor",
    "quant",
    "kernels",
    "docs",
    "CI",
    "core",
    "generation",
    "trainer",
    "tokenizers",
    "export",
];
/// Generic work in the long tail of repositories.
pub const GEN_COMPS: &[&str] = &[
    "the login page",
    "the README",
    "the CI workflow",
    "dark mode",
    "the API client",
    "database migrations",
    "the settings page",
    "the CLI parser",
    "the build script",
    "the Docker image",
    "pagination",
    "the search box",
    "error messages",
    "the config loader",
    "unit tests",
    "the release workflow",
    "the landing page",
    "the cache layer",
    "logging",
    "the websocket handler",
];
pub const GEN_BUGS: &[&str] = &[
    "a crash",
    "a typo",
    "a broken link",
    "a null pointer",
    "a timezone bug",
    "flaky tests",
    "a wrong status code",
    "a layout glitch",
];
pub const GEN_CONDS: &[&str] = &[
    "on Windows",
    "on mobile",
    "the list is empty",
    "offline",
    "with a slow network",
    "after logout",
    "on first run",
];
pub const FIRST: &[&str] = &[
    "Ana", "Bo", "Chen", "Dario", "Elif", "Femi", "Gus", "Hana", "Ines", "Jonas", "Kofi", "Lea",
    "Mei", "Nadia", "Omar", "Pedro", "Quinn", "Ravi", "Sven", "Tara", "Uma", "Vik", "Wen", "Yara",
    "Zoe", "Arjun", "Kenji", "Lin", "Maya", "Noor", "Olu", "Priya", "Tomasz", "Ivana", "Emil",
    "Juno", "Amara", "Hiro", "Rhea", "Sam",
];
pub const LAST: &[&str] = &[
    "Duarte",
    "Mensah",
    "Lindqvist",
    "Okafor",
    "Tanaka",
    "Kowalski",
    "Haddad",
    "Novak",
    "Iyer",
    "Moreau",
    "Costa",
    "Petrov",
    "Sato",
    "Rossi",
    "Nguyen",
    "Fischer",
    "Wang",
    "Zhang",
    "Kim",
    "Singh",
    "Garcia",
    "Müller",
    "Silva",
    "Cohen",
];
/// Topics people name themselves and their repositories after.
pub const TOPICS: &[&str] = &[
    "kernels", "infra", "ml", "dev", "data", "llm", "cuda", "jax", "ops", "web", "rust", "py",
    "bench", "nlp", "vision", "rl", "hpc", "cloud", "tools", "lab",
];
pub const PROJECTS: &[&str] = &[
    "tiny-llm",
    "dotfiles",
    "blog",
    "notes",
    "paper-repros",
    "kaggle-solutions",
    "triton-playground",
    "rag-demo",
    "web-app",
    "api-server",
    "homelab",
    "scraper",
    "eval-lite",
    "quant-bench",
    "moe-from-scratch",
    "portfolio",
    "cli-tools",
    "game-engine",
    "chat-ui",
    "data-pipeline",
    "vector-store",
    "agent-kit",
    "infra-as-code",
    "mobile-app",
    "diffusion-lite",
    "tokenizer-rs",
];
pub const ORGS: &[&str] = &[
    "acme-labs",
    "openlattice",
    "northwind",
    "bytebrook",
    "deepfield",
    "tensorworks",
    "cloudrail",
    "quantum-fox",
    "greenbyte",
    "paperplane",
    "skyforge",
    "datafoundry",
];
pub const BOT_NAMES: &[&str] = &[
    "deps-updater",
    "release-drafter",
    "ci-runner",
    "docs-sync",
    "stale-sweeper",
    "format-fixer",
    "mirror-sync",
    "bench-reporter",
];
pub const REVIEW_NOTES: &[&str] = &[
    "Can we avoid the extra device sync here?",
    "nit: please use assert_close instead of a hard-coded tolerance.",
    "This will break when world_size == 1, please guard it.",
    "Could you add a test for the bf16 path?",
    "This changes a public signature; can we keep the old argument with a deprecation warning?",
    "Why is this needed? I think the default already handles this case.",
    "LGTM",
    "Does this allocate on the hot path? The attention kernel is latency bound.",
];
pub const REVIEW_BODIES: &[&str] = &[
    "",
    "LGTM, thanks!",
    "A few comments inline.",
    "Looks good once CI is green.",
    "Left some questions about memory use.",
];
pub const COMMENTS: &[&str] = &[
    "Thanks for the report! Could you share a minimal reproducer?",
    "I can reproduce this on main. Looking into it.",
    "Same issue here with 8x H100.",
    "Any workaround until this is fixed?",
    "Rebased on main; CI is green now.",
    "Addressed the review comments in the latest push.",
    "+1",
    "This should be fixed by the linked PR, could you try the nightly?",
];

/// Profile locations, with weights (per 1000 located people): about a tenth in the San
/// Francisco Bay Area, as on real ML profiles, the rest around the world or unplaceable.
pub const LOCATIONS: &[(&str, u32)] = &[
    ("San Francisco", 30),
    ("SF Bay Area", 15),
    ("Mountain View, CA", 12),
    ("Palo Alto", 10),
    ("Berkeley, CA", 8),
    ("Sunnyvale, CA", 8),
    ("San Jose", 7),
    ("Seattle, WA", 30),
    ("Redmond, WA", 10),
    ("New York", 45),
    ("Boston", 15),
    ("Cambridge, MA", 10),
    ("Austin, TX", 12),
    ("Los Angeles", 15),
    ("Toronto", 20),
    ("Montreal", 12),
    ("Vancouver", 10),
    ("London, UK", 40),
    ("Berlin", 35),
    ("München", 15),
    ("Paris, France", 30),
    ("Amsterdam", 15),
    ("Zürich", 12),
    ("Warszawa", 18),
    ("Kraków, Polska", 10),
    ("Stockholm", 10),
    ("Madrid", 12),
    ("Tel Aviv", 12),
    ("Moscow", 20),
    ("Bangalore", 45),
    ("Bengaluru, India", 25),
    ("Hyderabad", 20),
    ("北京", 40),
    ("Beijing, China", 30),
    ("上海", 30),
    ("Hangzhou", 20),
    ("Shenzhen", 20),
    ("Taipei", 12),
    ("Tokyo", 25),
    ("東京", 10),
    ("Seoul", 25),
    ("Singapore", 20),
    ("Sydney", 15),
    ("São Paulo", 20),
    ("Lagos", 12),
    ("Nairobi", 8),
    ("Earth", 40),
    ("Remote", 30),
    ("localhost", 15),
];

/// A PR or issue title and body about `ml` work (else generic), plus the path it names.
pub fn title_body(r: &mut Rng, ml: bool, issue: bool, path: &str) -> (String, String) {
    let (comps, bugs, conds) = if ml {
        (ML_COMPS, ML_BUGS, ML_CONDS)
    } else {
        (GEN_COMPS, GEN_BUGS, GEN_CONDS)
    };
    let (c, b, w) = (r.pick(comps), r.pick(bugs), r.pick(conds));
    let title = match (issue, r.below(4)) {
        (false, 0) => format!("Fix {b} in {c} when {w}"),
        (false, 1) if ml => format!("Add {}", r.pick(ML_FEATS)),
        (false, 1) => format!("Update {c}"),
        (false, 2) if ml => format!("[{}] Speed up {c}", r.pick(ML_TAGS)),
        (false, 2) => format!("Refactor {c}"),
        (false, _) => format!("Support {c} {w}"),
        (true, 0 | 1) => format!("{} in {c} when {w}", cap(b)),
        (true, 2) if ml => format!("[Feature request] {}", r.pick(ML_FEATS)),
        (true, _) => format!("Question about {c}"),
    };
    let body = if issue {
        format!(
            "### Describe the bug\n\n{} in {c} when {w}. It fails on the second step; the first one is fine.\n\n### Environment\n\nUbuntu 22.04, Python 3.11",
            cap(b)
        )
    } else {
        format!(
            "## Summary\n\nThis touches {c} (`{path}`). Previously {b} showed up when {w}; this change fixes it and adds a regression test.\n\n## Test plan\n\nNew unit test, plus the existing tests."
        )
    };
    (title, body)
}

/// A commit message for a push.
pub fn commit_message(r: &mut Rng, ml: bool) -> String {
    let comps = if ml { ML_COMPS } else { GEN_COMPS };
    match r.below(4) {
        0 => format!("fix {}", r.pick(comps)),
        1 => format!("update {}", r.pick(comps)),
        2 => "wip".to_string(),
        _ => format!("refactor {}", r.pick(comps)),
    }
}

fn cap(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

const STEMS: &[&str] = &[
    "utils", "core", "api", "_impl", "config", "ops", "kernels", "backend", "state", "io",
];
const MODELS: &[&str] = &[
    "llama", "bert", "mistral", "gpt2", "t5", "whisper", "qwen2", "gemma", "clip", "vit",
];

/// The files generated work touches in a repository with the catalog's code areas: each
/// area prefix becomes a few files under it (`*` is a model or backend name).
pub fn catalog_paths(rules: &[AreaRule]) -> Vec<String> {
    let mut out = Vec::new();
    for (i, rule) in rules.iter().enumerate() {
        let fill = |s: &str, k: usize| s.replace('*', MODELS[(i + k) % MODELS.len()]);
        let ext = if rule.prefix.contains("csrc") || rule.prefix.starts_with("aten") {
            "cpp"
        } else {
            "py"
        };
        // distributed training is a large share of the work in the repositories that have it
        let files = if rule.name.contains("distributed") {
            12
        } else {
            4
        };
        if rule.prefix.ends_with('/') {
            for k in 0..files {
                let stem = STEMS[(i * 3 + k) % STEMS.len()];
                let sub = if k >= STEMS.len() { "_internal/" } else { "" };
                out.push(format!("{}{sub}{stem}.{ext}", fill(&rule.prefix, k)));
            }
        } else if rule.prefix.rsplit('/').next().unwrap_or("").contains('.') {
            out.push(rule.prefix.clone());
        } else {
            out.push(format!("{}.py", rule.prefix));
            out.push(format!("{}_utils.py", rule.prefix));
        }
    }
    out
}

/// A file in a repository without area rules: `src/<pkg>/<stem>.py`, a test or a doc.
pub fn plain_path(r: &mut Rng, pkg: &str) -> String {
    let stem = r.pick(STEMS);
    match r.below(5) {
        0 => format!("tests/test_{stem}.py"),
        1 => format!("docs/{stem}.md"),
        _ => format!("src/{pkg}/{stem}.py"),
    }
}
