//! What kind of file a changed path is, from the path alone: a notebook, a kernel, CI
//! configuration, a test… The store keeps per person and repository how many changed files of
//! each class their work touched (`path_rollup`), so a person's role can be judged for every
//! candidate of a search without reading their paths.
//!
//! Classes come from the path's text only (folder names, the file's name and extension), not
//! from the catalog's named areas, which a user may change at any time: a class is decided
//! once, when the path is stored. The codes are stored: never renumber one, append new ones
//! (and append a migration that recomputes `path_rollup` when a rule changes).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
pub enum PathClass {
    /// Source code no rule below names (`src/pkg/utils.py`).
    Code = 0,
    /// Configuration, data files, images: not evidence of anything.
    Other = 1,
    Tests = 2,
    /// Documentation: under `docs/`, or a Markdown/reStructuredText file.
    Docs = 3,
    /// Example scripts, tutorials, demos, cookbooks.
    Examples = 4,
    /// Jupyter notebooks (`.ipynb`), wherever they are.
    Notebook = 5,
    /// Analysis and data work: `analysis/`, `eda/`, R, CSV and other tabular files.
    Analysis = 6,
    /// Research code: `research/`, `research_projects/`, `papers/`, `experiments/`.
    Research = 7,
    /// Models, layers, trainers, losses, optimisers, pipelines, schedulers, ops: ML library code.
    Modeling = 8,
    /// GPU/TPU kernels and native code: CUDA, C++, Triton, Pallas, Mosaic, device back ends.
    Kernels = 9,
    /// Compilers, runtimes and export: XLA, MLIR, Inductor/Dynamo, jaxlib, ONNX, TensorRT.
    Compiler = 10,
    /// Distributed and parallel training: distributed/, FSDP, DeepSpeed, sharding, launchers.
    Distributed = 11,
    /// Serving and inference: servers, inference engines, quantisation, offloading.
    Serving = 12,
    /// Build, CI and packaging: `.github/`, Bazel, CMake, Makefiles, `setup.py`.
    Build = 13,
    /// Containers and deployment: Dockerfiles, Kubernetes, Helm, Terraform.
    Deploy = 14,
}

impl PathClass {
    pub const ALL: [PathClass; 15] = [
        PathClass::Code,
        PathClass::Other,
        PathClass::Tests,
        PathClass::Docs,
        PathClass::Examples,
        PathClass::Notebook,
        PathClass::Analysis,
        PathClass::Research,
        PathClass::Modeling,
        PathClass::Kernels,
        PathClass::Compiler,
        PathClass::Distributed,
        PathClass::Serving,
        PathClass::Build,
        PathClass::Deploy,
    ];

    /// The stored code.
    pub fn code(self) -> i64 {
        self as u8 as i64
    }

    pub fn from_code(code: i64) -> Option<PathClass> {
        PathClass::ALL.into_iter().find(|c| c.code() == code)
    }

    /// How a reason names it: "kernels and native code".
    pub fn label(self) -> &'static str {
        match self {
            PathClass::Code => "other source code",
            PathClass::Other => "configuration and data files",
            PathClass::Tests => "tests",
            PathClass::Docs => "docs",
            PathClass::Examples => "examples and tutorials",
            PathClass::Notebook => "notebooks",
            PathClass::Analysis => "analysis and data files",
            PathClass::Research => "research code",
            PathClass::Modeling => "models, layers and trainers",
            PathClass::Kernels => "kernels and native code",
            PathClass::Compiler => "compilers, runtimes and export",
            PathClass::Distributed => "distributed training",
            PathClass::Serving => "serving, inference and quantisation",
            PathClass::Build => "build and CI",
            PathClass::Deploy => "containers and deployment",
        }
    }

    /// The class of one repository-relative path (`/`-separated).
    pub fn of(path: &str) -> PathClass {
        classify(path)
    }
}

const TEST_DIRS: &[&str] = &[
    "tests",
    "test",
    "testing",
    "__tests__",
    "testdata",
    "test_utils",
];
const DOC_DIRS: &[&str] = &["docs", "doc", "documentation", "docs_src", "website"];
const EXAMPLE_DIRS: &[&str] = &[
    "examples",
    "example",
    "tutorials",
    "tutorial",
    "demo",
    "demos",
    "cookbook",
    "cookbooks",
    "colab",
    "colabs",
    "cloud_tpu_colabs",
    "notebooks",
    "nbs",
    "recipes",
    "samples",
    "quickstart",
];
const RESEARCH_DIRS: &[&str] = &[
    "research",
    "research_projects",
    "papers",
    "paper",
    "experiments",
    "ablations",
    "reproduce",
    "reproduction",
];
const ANALYSIS_DIRS: &[&str] = &["analysis", "analyses", "eda", "data_analysis", "kaggle"];
const DEPLOY_DIRS: &[&str] = &[
    "docker",
    "k8s",
    "kubernetes",
    "helm",
    "charts",
    "terraform",
    "deploy",
    "deployment",
    "deployments",
];
const BUILD_DIRS: &[&str] = &[".github", ".circleci", ".ci", ".buildkite", "ci", "build"];

/// Words (a folder name, or a part of a file or folder name split at `_`, `-`, `.`) that mark
/// each infrastructure class, in precedence order.
const KERNEL_WORDS: &[&str] = &[
    "kernel", "kernels", "csrc", "cuda", "cudnn", "cublas", "cutlass", "triton", "pallas",
    "mosaic", "rocm", "hip", "gpu", "tpu", "xpu", "hpu", "npu", "mps", "metal", "simd", "avx",
];
const COMPILER_WORDS: &[&str] = &[
    "compiler",
    "compile",
    "compilation",
    "inductor",
    "dynamo",
    "xla",
    "hlo",
    "stablehlo",
    "mlir",
    "lowering",
    "jaxlib",
    "jax2tf",
    "export",
    "onnx",
    "tflite",
    "tensorrt",
    "trt",
    "openvino",
    "runtime",
    "aot",
    "ffi",
    "pjrt",
    "ifrt",
    "codegen",
    "serialization",
];
const DISTRIBUTED_WORDS: &[&str] = &[
    "distributed",
    "distribute",
    "parallel",
    "parallelism",
    "fsdp",
    "ddp",
    "deepspeed",
    "megatron",
    "sharding",
    "shard",
    "spmd",
    "pjit",
    "pxla",
    "pmap",
    "mesh",
    "multihost",
    "collective",
    "collectives",
    "nccl",
    "gloo",
    "mpi",
    "dtensor",
    "elastic",
    "launch",
    "launcher",
    "launchers",
];
const SERVING_WORDS: &[&str] = &[
    "serving",
    "serve",
    "server",
    "inference",
    "quantization",
    "quantizers",
    "quantizer",
    "quantize",
    "quant",
    "gptq",
    "awq",
    "bnb",
    "bitsandbytes",
    "offload",
    "big_modeling",
    "speculative",
    "endpoint",
    "endpoints",
];
const MODELING_WORDS: &[&str] = &[
    "models",
    "model",
    "modeling",
    "modelling",
    "layers",
    "layer",
    "nn",
    "modules",
    "trainer",
    "trainers",
    "training",
    "train",
    "losses",
    "loss",
    "optim",
    "optimizer",
    "optimizers",
    "tuners",
    "tuner",
    "pipelines",
    "pipeline",
    "schedulers",
    "scheduler",
    "loaders",
    "callbacks",
    "metrics",
    "generation",
    "tokenization",
    "tokenizers",
    "attention",
    "activations",
    "initializers",
    "applications",
    "ops",
    "lax",
    "numpy",
];

const KERNEL_EXTS: &[&str] = &[
    "cu", "cuh", "cc", "cpp", "cxx", "c", "h", "hpp", "hh", "hip", "metal", "cl", "ptx", "td",
    "mlir", "ll", "s",
];
const CODE_EXTS: &[&str] = &[
    "py", "pyi", "pyx", "pxd", "rs", "go", "java", "scala", "kt", "js", "mjs", "ts", "tsx", "jsx",
    "jl", "swift", "m", "mm", "lua", "rb", "php", "cs", "sh",
];
const ANALYSIS_EXTS: &[&str] = &[
    "csv", "tsv", "parquet", "feather", "r", "rmd", "qmd", "sas", "dta", "sav", "xlsx", "xls",
    "sql",
];
const DOC_EXTS: &[&str] = &["md", "mdx", "rst", "adoc", "tex"];

fn classify(path: &str) -> PathClass {
    let lower = path.to_ascii_lowercase();
    let parts: Vec<&str> = lower.split('/').filter(|p| !p.is_empty()).collect();
    let Some((&file, dirs)) = parts.split_last() else {
        return PathClass::Other;
    };
    let (stem, ext) = match file.rsplit_once('.') {
        Some((s, e)) if !s.is_empty() => (s, e),
        _ => (file, ""),
    };
    let has_dir = |list: &[&str]| dirs.iter().any(|d| list.contains(d));
    if ext == "ipynb" {
        return PathClass::Notebook;
    }
    if has_dir(TEST_DIRS)
        || stem.starts_with("test_")
        || stem.ends_with("_test")
        || stem.ends_with("_tests")
        || stem == "conftest"
    {
        return PathClass::Tests;
    }
    if has_dir(DOC_DIRS) {
        return PathClass::Docs;
    }
    // Research code often sits under examples/ (`examples/research_projects/`): research first.
    if has_dir(RESEARCH_DIRS) {
        return PathClass::Research;
    }
    if has_dir(EXAMPLE_DIRS) {
        return PathClass::Examples;
    }
    if is_deploy_file(file, stem, ext) || has_dir(DEPLOY_DIRS) {
        return PathClass::Deploy;
    }
    if is_build_file(file, stem, ext) || has_dir(BUILD_DIRS) {
        return PathClass::Build;
    }
    if has_dir(ANALYSIS_DIRS) || ANALYSIS_EXTS.contains(&ext) {
        return PathClass::Analysis;
    }
    // Words of the folders and of the file's name, most specific class first.
    let words: Vec<&str> = dirs
        .iter()
        .copied()
        .chain(std::iter::once(stem))
        .flat_map(|p| std::iter::once(p).chain(p.split(['_', '-', '.'])))
        .filter(|w| !w.is_empty())
        .collect();
    let any = |list: &[&str]| words.iter().any(|w| list.contains(w));
    if KERNEL_EXTS.contains(&ext) || any(KERNEL_WORDS) {
        return PathClass::Kernels;
    }
    if any(COMPILER_WORDS) {
        return PathClass::Compiler;
    }
    if any(DISTRIBUTED_WORDS) {
        return PathClass::Distributed;
    }
    if any(SERVING_WORDS) {
        return PathClass::Serving;
    }
    if DOC_EXTS.contains(&ext) || stem == "readme" || stem == "changelog" {
        return PathClass::Docs;
    }
    if !CODE_EXTS.contains(&ext) {
        return PathClass::Other;
    }
    if any(MODELING_WORDS) {
        return PathClass::Modeling;
    }
    PathClass::Code
}

fn is_deploy_file(file: &str, stem: &str, ext: &str) -> bool {
    file.starts_with("dockerfile")
        || ext == "dockerfile"
        || stem.starts_with("docker-compose")
        || ext == "tf"
        || ext == "tfvars"
}

fn is_build_file(file: &str, stem: &str, ext: &str) -> bool {
    matches!(
        file,
        "build"
            | "build.bazel"
            | "workspace"
            | "workspace.bazel"
            | "module.bazel"
            | ".bazelrc"
            | ".bazelversion"
            | "cmakelists.txt"
            | "makefile"
            | "setup.py"
            | "setup.cfg"
            | "pyproject.toml"
            | "tox.ini"
            | "noxfile.py"
            | ".pre-commit-config.yaml"
            | "environment.yml"
            | "ruff.toml"
            | ".flake8"
            | "manifest.in"
            | ".travis.yml"
            | "azure-pipelines.yml"
            | "cargo.toml"
    ) || matches!(ext, "bzl" | "bazel" | "cmake")
        || stem.starts_with("requirements")
}

#[cfg(test)]
mod tests {
    use super::PathClass::{self, *};

    #[test]
    fn codes_are_pinned_and_round_trip() {
        for (i, c) in PathClass::ALL.iter().enumerate() {
            assert_eq!(c.code(), i as i64, "{c:?}");
            assert_eq!(PathClass::from_code(c.code()), Some(*c));
        }
        assert_eq!(PathClass::from_code(99), None);
    }

    #[test]
    fn paths_of_ml_repositories() {
        for (path, want) in [
            ("docs/notebooks/autodiff_cookbook.ipynb", Notebook),
            ("examples/peft_lora.ipynb", Notebook),
            ("tests/test_lora.py", Tests),
            ("src/peft/tuners/lora/layer_test.py", Tests),
            ("src/accelerate/test_utils/scripts/test_ops.py", Tests),
            ("docs/source/en/training/distributed.md", Docs),
            ("README.md", Docs),
            ("examples/research_projects/wuerstchen/train.py", Research),
            ("examples/dreambooth/train_dreambooth.py", Examples),
            ("cloud_tpu_colabs/README.md", Examples),
            ("docker/transformers-gpu/Dockerfile", Deploy),
            ("Dockerfile.cuda", Deploy),
            ("charts/server/values.yaml", Deploy),
            (".github/workflows/tests.yml", Build),
            ("jaxlib/BUILD", Build),
            ("build/build.py", Build),
            ("setup.py", Build),
            ("requirements-dev.txt", Build),
            ("analysis/churn.R", Analysis),
            ("data/train.csv", Analysis),
            ("csrc/attention/paged_attention.cu", Kernels),
            ("jaxlib/gpu/solver_kernels.cc", Kernels),
            ("jax/_src/pallas/mosaic_gpu/lowering.py", Kernels),
            ("keras/src/backend/torch/core.py", Code),
            ("jax/_src/interpreters/mlir.py", Compiler),
            ("torch/_inductor/codegen/triton.py", Kernels),
            ("torch/_dynamo/eval_frame.py", Compiler),
            ("jax/experimental/jax2tf/jax2tf.py", Compiler),
            ("src/accelerate/utils/deepspeed.py", Distributed),
            ("src/accelerate/utils/fsdp_utils.py", Distributed),
            ("src/accelerate/commands/launch.py", Distributed),
            ("jax/_src/sharding_impls.py", Distributed),
            ("vllm/entrypoints/openai/api_server.py", Serving),
            ("src/transformers/quantizers/quantizer_awq.py", Serving),
            ("src/accelerate/big_modeling.py", Serving),
            ("src/peft/tuners/lora/layer.py", Modeling),
            ("src/diffusers/pipelines/flux/pipeline_flux.py", Modeling),
            ("trl/trainer/dpo_trainer.py", Modeling),
            ("keras/src/layers/core/dense.py", Modeling),
            ("jax/_src/numpy/lax_numpy.py", Modeling),
            ("src/accelerate/utils/dataclasses.py", Code),
            ("method_comparison/MetaMathQA/results/lora.json", Other),
            ("keras/api/golden/v1/tensorflow.keras.pbtxt", Other),
            ("", Other),
        ] {
            assert_eq!(PathClass::of(path), want, "{path}");
        }
    }
}
