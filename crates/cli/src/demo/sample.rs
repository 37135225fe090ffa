//! A deterministic, offline sample of GH Archive hours for `builtby demo`.
//!
//! `builtby demo` has to show a newcomer a ranked search with evidence without the network, so
//! this module writes hourly files that look exactly like GH Archive's Events-API era (2015 until
//! the payload trim of 2025-10-07): `YYYY-MM-DD-H.json.gz`, one gzip member, one compact JSON
//! event per line, keys in GitHub's own order (the ingest may peek at a line's first bytes for
//! `"type"`), and full `pull_request` / `issue` / `review` / `comment` objects. The real parser
//! reads them like any other hour; nothing downstream knows they are a sample.
//!
//! The cast: about 60 fictional people (`topic-name` logins, ids from 900,000,000, a range GitHub
//! has not reached) plus `dependabot[bot]`, `github-actions[bot]` and `pytorchbot`, working on
//! twelve real ML repositories, their forks and their own repositories. Profiles differ so the
//! ranking has something to show: maintainers review, approve and merge (`merged_by`);
//! contributors open PRs, answer review comments, push fixes and get merged; drive-by users file
//! issues, comment and send the odd docs PR; stargazers only star and fork (they must never
//! rank); push-heavy people push to personal repositories all day; bots are loud. A PR lives
//! across hours: branch and push, opened, reviewed with inline comments, answered, approved,
//! then merged (with the merger's squash push) or closed.
//!
//! Determinism: no clock and no `rand`. Every value comes from splitmix64 over a constant seed
//! and the *absolute* hour a thread starts in, so each file is a pure function of its hour: two
//! overlapping windows write identical bytes for the hours they share, and threads that started
//! before the window finish inside it, as in a real archive.
//!
//! Deliberate differences from a real hour: commit e-mails are `<40 hex>@example.com` (the
//! crawler's hashed form, on a reserved domain); repository objects leave out `ssh_url`
//! (`git@github.com:…` reads like an e-mail address); ids of repositories (2.9e9+), issues and
//! comments sit in unused ranges; object shapes follow our 2021 samples (the newest full ones we
//! hold), with pushes as in 2023–24 (`repository_id`, commit author as `email, name`). The only `@`
//! outside those e-mails is the `@@` hunk header of `diff_hunk`, as in every real review comment.
//! Hours are whatever the caller asks for, but payloads are always the full pre-trim shape, so an
//! ingest must tell trimmed from full events by the record (as DESIGN.md asks), not by the date.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use flate2::{write::GzEncoder, Compression};

const SEED: u64 = 0x6275_696c_7462_7921;
/// A thread may still act this many hours after the hour it started in (asserted in tests).
const LAG: i64 = 18;
/// 2026-01-01T00Z in hours: origin of the per-hour slots behind ids and PR/issue numbers.
const REF_HOUR: i64 = 490_896;
const API: &str = "https://api.github.com";
const WEB: &str = "https://github.com";

/// Writes `hours` hourly files named like GH Archive's (`2026-11-01-9.json.gz`, hour not
/// zero-padded, one gzip member, one compact JSON object per line, `\n` after each) into `dir`,
/// the last one holding the hour that starts at `end_hour_unix` (seconds since epoch, a
/// multiple of 3600), and returns their paths in time order.
pub fn write_sample(dir: &Path, end_hour_unix: i64, hours: u32) -> anyhow::Result<Vec<PathBuf>> {
    anyhow::ensure!(
        end_hour_unix.rem_euclid(3600) == 0 && end_hour_unix >= 0,
        "end_hour_unix must be a non-negative multiple of 3600, got {end_hour_unix}"
    );
    std::fs::create_dir_all(dir)?;
    let w = World::new();
    let end = end_hour_unix / 3600;
    let mut paths = Vec::new();
    for hour in end + 1 - i64::from(hours)..=end {
        let mut em = Em {
            lo: hour * 3600,
            evs: Vec::new(),
        };
        for src in hour - LAG..=hour + 1 {
            for th in threads(&w, src) {
                emit_thread(&w, &th, &mut em);
            }
        }
        singles(&w, hour, &mut em);
        em.evs.sort_by_key(|e| e.t); // stable: ties keep generation order
        anyhow::ensure!(em.evs.len() < 100_000, "too many events in one hour");
        let path = dir.join(format!("{}-{}.json.gz", &ts(hour * 3600)[..10], hour % 24));
        let file = std::io::BufWriter::new(std::fs::File::create(&path)?);
        let mut gz = GzEncoder::new(file, Compression::default());
        let mut line = String::new();
        for (i, ev) in em.evs.into_iter().enumerate() {
            line.clear();
            envelope(&w, 10_000_000_000 + hour as u64 * 100_000 + i as u64, ev).write(&mut line);
            line.push('\n');
            gz.write_all(line.as_bytes())?;
        }
        gz.finish()?.flush()?;
        paths.push(path);
    }
    Ok(paths)
}

// ---------------------------------------------------------------- text: repositories and cast

/// `code|owner/name|language|license|default branch|first PR number|PRs per hour|package|
/// description|tags|components|bugs|conditions|features|ops|paths|labels`, repos split by `#`.
const SPECS: &str = "\
pt|pytorch/pytorch|Python|bsd-3-clause|main|140000|15|torch|Tensors and Dynamic neural networks in Python with strong GPU acceleration|\
Inductor;dynamo;c10d;FSDP2;export;MPS|torch.distributed;torch.compile;ProcessGroupNCCL;DTensor;torch.export;the CUDA caching allocator|\
NCCL timeout;recompilation loop;dtype mismatch;memory leak;silently wrong result;deadlock|world_size > 8;dynamic shapes are enabled;\
using bf16 autocast;the input is non-contiguous;running under torchrun|FlashAttention-2 path for scaled_dot_product_attention;\
fp8 rowwise scaling in torch._scaled_mm;async checkpointing for DCP;a per-rank NCCL flight recorder dump|fuse pointwise ops after reduction;\
cache autotuning results across runs;guard on tensor strides lazily;shard optimizer state with DTensor;support symbolic sizes in view ops|\
torch/distributed/distributed_c10d.py;torch/_inductor/scheduler.py;torch/_dynamo/variables/builtin.py;torch/distributed/fsdp/_fully_shard/_fsdp_param.py;\
torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp;torch/_inductor/codegen/triton.py;test/distributed/test_c10d_nccl.py|\
open source;ciflow/trunk;release notes: distributed (c10d);module: inductor;topic: not user facing\
#hf|huggingface/transformers|Python|apache-2.0|main|36000|10|transformers|Model-definition framework for state-of-the-art machine learning models|\
Llama;Trainer;Generate;Qwen2;Whisper;Tokenizers|the Trainer;generate();LlamaAttention;the SDPA path;the static cache;AutoTokenizer|\
wrong attention mask;OOM;shape mismatch;KeyError on load;NaN loss|using gradient checkpointing;loading in 4-bit;padding side is left;\
num_beams > 1;torch.compile is on|FlashAttention-2 path for Llama;sliding-window attention for Mistral;static KV cache for Gemma 2;\
SDPA support for Whisper;a fast image processor for SigLIP|deprecate the legacy cache format;unify rotary embedding code;\
skip flaky generate tests on CPU;move attention mask creation out of the model|src/transformers/models/llama/modeling_llama.py;\
src/transformers/trainer.py;src/transformers/generation/utils.py;src/transformers/cache_utils.py;src/transformers/modeling_utils.py;\
tests/models/llama/test_modeling_llama.py|Good First Issue;bug;Feature request;run-slow\
#jax|jax-ml/jax|Python|apache-2.0|main|26000|5|jax|Composable transformations of Python+NumPy programs: differentiate, vectorize, JIT to GPU/TPU, and more|\
pallas;sharding;lax;export;jnp|jax.jit;shard_map;jax.lax.scan;the Pallas TPU lowering;jax.numpy.linalg|tracer leak;wrong gradient;\
recompilation on every call;XLA compile crash;dtype promotion error|donate_argnums is set;using bfloat16 on TPU;inputs are sharded across hosts;\
x64 mode is enabled|a Pallas flash attention kernel for GPU;custom_vjp support in shard_map;jnp.unique_all;layout-aware jax.device_put|\
make jnp.take respect mode on TPU;cache lowering of pjit;remove the deprecated jax.tree_map alias;add a batching rule for lax.ragged_dot|\
jax/_src/lax/lax.py;jax/_src/pjit.py;jax/_src/numpy/lax_numpy.py;jax/_src/pallas/mosaic/lowering.py;jax/experimental/shard_map.py;tests/lax_test.py|\
pull ready;kokoro:force-run;bug;enhancement\
#vllm|vllm-project/vllm|Python|apache-2.0|main|21000|12|vllm|A high-throughput and memory-efficient inference and serving engine for LLMs|\
Bugfix;Kernel;Core;V1;Model;Frontend;Perf|the scheduler;prefix caching;the OpenAI-compatible server;the FlashAttention backend;\
speculative decoding;the block manager|CUDA illegal memory access;KV cache corruption;request hang;OOM during warmup;wrong logprobs|\
tensor_parallel_size is 4;chunked prefill is on;max_num_seqs > 256;using fp8 KV cache;prompts exceed max_model_len|\
fp8 KV cache for FlashInfer;chunked prefill for encoder-decoder models;DeepSeek-V3 MLA support;LoRA support for Qwen2-VL;\
structured output with xgrammar|fuse RMSNorm and quant in one kernel;reduce scheduler overhead per step;overlap detokenization with the forward pass;\
cache CUDA graphs per batch size|vllm/attention/backends/flash_attn.py;vllm/core/scheduler.py;vllm/v1/core/kv_cache_manager.py;\
vllm/entrypoints/openai/serving_chat.py;vllm/model_executor/models/llama.py;csrc/attention/attention_kernels.cu;tests/entrypoints/openai/test_chat.py|\
ready;bug;documentation;v1\
#lc|langchain-ai/langchain|Python|mit|master|28000|7|langchain_core|Build context-aware reasoning applications|core;community;openai;anthropic;docs;text-splitters|\
ChatOpenAI;RunnableSequence;the PGVector store;RecursiveCharacterTextSplitter;tool calling|streaming dropping the last chunk;tool call args parsed as a string;\
async callbacks never firing;metadata lost on batch|using with_structured_output;streaming is enabled;max_concurrency is set;the input list is empty|\
structured output for ChatAnthropic;async support for SQLDatabase;batched embeddings with retries;a hybrid search retriever for PGVector|\
fix type hints in RunnableParallel;deprecate LLMChain in favor of LCEL;add usage metadata to streamed chunks;lazy-import optional dependencies|\
libs/core/langchain_core/runnables/base.py;libs/core/langchain_core/messages/ai.py;libs/partners/openai/langchain_openai/chat_models/base.py;\
libs/text-splitters/langchain_text_splitters/character.py;libs/langchain/langchain/agents/agent.py|size:S;size:M;lgtm;bug\
#li|run-llama/llama_index|Python|mit|main|17000|5|llama_index|Framework for building LLM-powered agents over your data|core;integrations;docs;workflows|\
VectorStoreIndex;the SentenceSplitter;QueryFusionRetriever;the Qdrant vector store;AgentWorkflow|duplicate nodes on refresh;\
event loop already running errors;wrong metadata filters;token counting errors|using async retrieval;chunk_size is smaller than the overlap;\
the index is persisted to disk;streaming responses|hybrid search for the Qdrant integration;streaming events in AgentWorkflow;\
parallel ingestion in IngestionPipeline|cache embeddings in IngestionPipeline;fix async retries in OpenAI embeddings;bump llama-index-core|\
llama-index-core/llama_index/core/indices/vector_store/base.py;llama-index-core/llama_index/core/node_parser/text/sentence.py;\
llama-index-core/llama_index/core/agent/workflow/multi_agent_workflow.py;\
llama-index-integrations/vector_stores/llama-index-vector-stores-qdrant/llama_index/vector_stores/qdrant/base.py|size:S;size:M;lgtm\
#sk|scikit-learn/scikit-learn|Python|bsd-3-clause|main|30000|5|sklearn|scikit-learn: machine learning in Python|MRG;MNT;DOC;ENH;FIX|\
HistGradientBoostingClassifier;LogisticRegression;Pipeline;KMeans;permutation_importance;ColumnTransformer|wrong predict_proba;\
spurious convergence warning;dtype upcast to float64;memory blowup;inconsistent get_feature_names_out|sample_weight has zeros;inputs are sparse;\
n_jobs=-1;using the array API with PyTorch tensors;categorical features are strings|array API support in LinearDiscriminantAnalysis;\
monotonic constraints for categorical splits;sample_weight support in KBinsDiscretizer;metadata routing in cross_validate|\
use threadpoolctl limits in KMeans;deprecate the multi_class parameter;speed up pairwise_distances for float32|\
sklearn/ensemble/_hist_gradient_boosting/gradient_boosting.py;sklearn/linear_model/_logistic.py;sklearn/utils/validation.py;\
sklearn/cluster/_kmeans.py;sklearn/pipeline.py;doc/whats_new/v1.7.rst|Waiting for Reviewer;module:ensemble;Array API;Quick Review\
#keras|keras-team/keras|Python|apache-2.0|master|20500|4|keras|Deep Learning for humans|JAX backend;Torch backend;layers;ops|keras.ops;\
the JAX trainer;MultiHeadAttention;model.fit;the saving API|shape inference error;mixed precision NaN;wrong output dtype;deserialization failure|\
using the torch backend;jit_compile=True;running on TPU;steps_per_execution > 1|LoRA for Dense and EinsumDense;int8 quantization for Embedding;\
keras.ops.histogram|add float8 training support;unify backend random seed handling;speed up model.fit on the JAX backend|\
keras/src/layers/attention/multi_head_attention.py;keras/src/backend/jax/trainer.py;keras/src/ops/numpy.py;keras/src/saving/saving_lib.py|\
size:S;size:M;ready to pull\
#ray|ray-project/ray|Python|apache-2.0|master|50000|7|ray|Ray is an AI compute engine for scaling AI and Python applications|\
Data;Train;Serve;Core;RLlib|ray.data.read_parquet;the autoscaler;Ray Serve replicas;TorchTrainer;the object store|actor leak;\
deadlock on shutdown;spilled objects never freed;placement group timeout|the cluster has more than 100 nodes;using num_gpus=0.5;\
the dataset has empty blocks;autoscaling is on|streaming repartition in Ray Data;GPU object transfer over NCCL;prefix-aware routing in Ray Serve LLM|\
reduce GCS memory usage;deflake test_autoscaler_e2e;make the Ray Data progress bar quieter|python/ray/data/_internal/execution/streaming_executor.py;\
python/ray/train/torch/torch_trainer.py;python/ray/serve/_private/router.py;src/ray/gcs/gcs_server/gcs_actor_manager.cc|go;data;serve;core\
#ds|microsoft/DeepSpeed|Python|apache-2.0|master|6800|4|deepspeed|Deep learning optimization library for distributed training and inference|\
ZeRO;inference;accelerator;comm|ZeRO stage 3;the pipeline engine;Ulysses sequence parallelism;the CPU Adam optimizer;the checkpoint loader|\
hang in allgather;gradient overflow;wrong loss scale;checkpoint mismatch|offload_optimizer is on;using bf16 with ZeRO-3;world_size is 64;\
gradient accumulation > 1|universal checkpoint support for MoE;fp8 all-gather for ZeRO-3;HPU accelerator support for Ulysses|\
reduce host memory in ZeRO-3 init;fix compile warnings in CPU Adam;overlap reduce-scatter with backward|deepspeed/runtime/zero/stage3.py;\
deepspeed/runtime/engine.py;deepspeed/runtime/pipe/engine.py;deepspeed/ops/adam/cpu_adam.py;deepspeed/checkpoint/universal_checkpoint.py|\
bug;training;inference\
#pl|Lightning-AI/pytorch-lightning|Python|apache-2.0|master|20600|4|lightning|Pretrain and finetune AI models of any size on 1 or 10,000+ GPUs|\
fabric;trainer;callbacks;loggers|the ModelCheckpoint callback;Fabric;the DDP strategy;the FSDP strategy;LightningCLI|duplicate checkpoint saves;\
hang at validation end;wrong global_step;logger crash|resuming from a checkpoint;using FSDP;val_check_interval is a float;running on MPS|\
a model summary for FSDP;async checkpointing in Fabric;ModelParallelStrategy with tensor parallelism|remove deprecated Trainer arguments;\
speed up checkpoint saving;fix typing of LightningModule.log|src/lightning/pytorch/callbacks/model_checkpoint.py;src/lightning/fabric/fabric.py;\
src/lightning/pytorch/strategies/fsdp.py;src/lightning/pytorch/trainer/trainer.py|pl;fabric;bug;ready\
#triton|triton-lang/triton|C++|mit|main|5600|5|triton|Development repository for the Triton language and compiler|AMD;NVIDIA;BACKEND;FRONTEND;Interpreter|\
the TMA lowering;tl.dot;the software pipeliner;the AMD backend;the interpreter|miscompile;register spills;wrong results;an assertion failure|\
num_stages > 3;using fp8 inputs;the block size is 256;running on MI300|fp8 MMA on Blackwell;descriptor-based loads;warp specialization for persistent matmul|\
hoist layout conversions out of loops;simplify the coalescing pass;add lit tests for TMA stores|\
lib/Dialect/TritonGPU/Transforms/Pipeliner/MatmulLoopPipeline.cpp;python/triton/language/core.py;third_party/amd/backend/compiler.py;\
lib/Conversion/TritonGPUToLLVM/ConvertLayoutOpToLLVM.cpp;python/test/unit/language/test_core.py|";

/// `login:profile:home repos`. Profiles: M maintainer, C contributor, D drive-by, S stars and
/// forks only, P pushes to personal repositories. Logins are invented for this sample.
const CAST: &str = "mlinfra-ana:M:pt,triton;dist-kenji:M:pt,ds;hfmodels-lea:M:hf;jaxcore-ravi:M:jax;serving-mei:M:vllm;\
sklearn-olu:M:sk;agents-dario:M:lc,li;kerasops-ines:M:keras,jax;raycore-tomas:M:ray;lightning-bea:M:pl;\
cuda-kofi:C:pt,triton;fsdp-yara:C:pt,ds;quant-nadia:C:vllm,hf;tpu-tomasz:C:jax;llama-sven:C:hf,vllm;rag-amara:C:li,lc;\
kernels-hiro:C:triton,vllm;estimators-pedro:C:sk;rllib-ivana:C:ray;moe-chen:C:ds,pt;compile-arjun:C:pt,pl;lora-maya:C:hf,pl;\
serve-jonas:C:ray,vllm;specdecode-lin:C:vllm;pallas-noor:C:jax,keras;tokenizer-emil:C:hf;lcel-zoe:C:lc,li;metrics-femi:C:sk,keras;\
notebook-sam:D:hf;gpu-rookie-ali:D:pt;colab-juno:D:hf,lc;kaggle-bo:D:sk;student-rhea:D:pt,jax;infra-oscar:D:vllm,ray;\
prompt-lu:D:lc,li;edge-nico:D:pt,keras;research-tara:D:jax,hf;devrel-kim:D:li,ds;phd-omar:D:pt,ds;bench-ivo:D:vllm,triton,pl;\
awesome-lists-mo:S:;reading-list-pat:S:;stargazer-fei:S:;bookmarks-gus:S:;forks-eli:S:;ml-news-ada:S:;curious-ren:S:;\
lurk-vik:S:;browse-hana:S:;collect-jo:S:;dotfiles-raj:P:;nightly-ben:P:;sandbox-kai:P:;experiments-lena:P:;notebooks-uma:P:;\
hacks-teo:P:;scratch-ola:P:;wip-yuki:P:";
const SURNAMES: &str = "Duarte;Mensah;Lindqvist;Okafor;Tanaka;Kowalski;Haddad;Novak;Iyer;Moreau;Costa;Petrov;Achterberg;Sato;Rossi;Nguyen;Fischer";
const PERSONAL: &str = "tiny-llm-serve=Minimal LLM serving loop with continuous batching;flash-attn-notes=Notes and toy kernels for FlashAttention;\
rlhf-sandbox=Small-scale RLHF and DPO experiments;kaggle-solutions=My Kaggle competition solutions;triton-playground=Triton kernels for learning;\
paper-repros=Reproductions of ML papers;nanodiffusion=A tiny diffusion model in one file;lora-experiments=LoRA and QLoRA finetuning scripts;\
quant-bench=Benchmarks of int8/fp8 quantization;rag-playground=Retrieval-augmented generation experiments;jax-tutorials=JAX tutorials;\
moe-from-scratch=Mixture-of-experts from scratch;eval-lite=A lightweight LLM eval harness;dotfiles=My dotfiles";

// ---------------------------------------------------------------- text: what people write

const PR_TEXT: [(&str, &str); 4] = [
    (
        "Fix {b} in {c} when {w}",
        "## Summary\n\nFixes {b} in {c} when {w}. The fast path skipped a guard that the slow path has; this PR adds it back and a regression test.\n\nFixes #{n}\n\n## Test plan\n\nNew unit test, plus the existing tests for {c}.",
    ),
    (
        "Add {f}",
        "## What does this PR do?\n\nAdds {f}. Follow-up to the discussion in #{n}.\n\n- Main change in `{p}`\n- The public API is unchanged\n\n## Benchmarks\n\nAbout {x}% faster end to end on our benchmark, no regressions in the nightly suite.",
    ),
    (
        "[{t}] {o}",
        "{O}.\n\nThis showed up in profiles when {w}. Tested locally; happy to add more tests if needed.",
    ),
    (
        "[{t}] Fix {b} when {w}",
        "Repro from #{n} passes now. The issue was in `{p}`, which assumed the default configuration.\n\nTest plan: added a test case; ran the affected test files locally.",
    ),
];
const DRIVE_TEXT: [(&str, &str); 3] = [
    (
        "Fix typo in {c} docs",
        "Small typo fix in the docs for {c}.",
    ),
    (
        "Update {c} example in the README",
        "The example used an argument that was removed; updated it to the current API.",
    ),
    (
        "Docs: clarify {c} behavior when {w}",
        "I hit this while debugging #{n}; this note would have saved me an hour.",
    ),
];
const ISSUE_TEXT: [(&str, &str); 4] = [
    (
        "[Bug] {B} in {c} when {w}",
        "### Describe the bug\n\n{B} in {c} when {w}.\n\n### Reproduction\n\n```python\nimport {k}\n# 30-line script: build the model, run two steps with the setting above\n```\n\nIt fails on the second step; the first one is fine.\n\n### Environment\n\n- OS: Ubuntu 22.04\n- GPU: 8x H100 80GB\n- Python 3.11",
    ),
    (
        "{C}: {b} when {w}",
        "Since upgrading to the latest release I see {b} in {c} when {w}. The previous release works. Happy to provide more details.",
    ),
    (
        "[Feature request] {F}",
        "### Feature request\n\n{F}.\n\n### Motivation\n\nThis matters for us when {w}; today we keep a fork with a hack in `{p}`.",
    ),
    (
        "Question: is {f} planned?",
        "I could not find this in the docs or the roadmap. Is {f} planned, and would a PR be welcome?",
    ),
];
const NOTES: &str = "Can we avoid the `.item()` call here? It forces a device sync.;nit: please use `assert_close` instead of a hard-coded tolerance.;\
This will break when `world_size == 1`, please guard it.;Could you add a test for the bf16 path?;Why is this needed? I think the default already handles this case.;\
This changes a public signature. Can we keep the old argument with a deprecation warning?;Please move this helper next to the other utilities.";
const REPLIES: &str = "Good catch, fixed.;Done.;Added a test in the latest push.;Done, and added a deprecation warning.;Reverted this part, you are right.";
const CHANGES: &str = "Thanks for the PR! A few comments inline. The main concern is the extra sync on the hot path.;This needs a test that fails without the fix.;\
Left some comments. Can you also run the benchmark before and after?";
const COMMENTED: &str = "Overall direction looks good, some questions inline.;Not sure this is the right layer for the fix, see inline.";
const APPROVED: &str = "LGTM, thanks!;Looks good. Thanks for adding the regression test.;;Approving, the CI failures are unrelated (known flaky test).";
const ADDRESSED: &str = "Thanks for the review! I addressed all comments in the latest push.;CI is green now, ready for another look.;\
Rebased on main to pick up the fix for the flaky test.";
const CLOSE_PR: &str = "Closing in favor of the approach in #{n}.;Thanks for the contribution! This is already handled on main, so I am closing this.;Superseded by #{n}.";
const TRIAGE: &str = "Thanks for the report! Could you share a minimal reproducer and your environment?;I can reproduce this on main. Looking into it.;\
This should be fixed by #{n}. Could you try the nightly build?;Marking as a good first issue, contributions welcome.";
const AUTHOR_REPLY: &str = "Here is a minimal reproducer, it fails on the second iteration.;Thanks, the nightly fixes it for me.;\
Environment: Ubuntu 22.04, CUDA 12.4, Python 3.11, 8 GPUs.";
const ME_TOO: &str = "Same issue here with 8x H100.;+1, also seeing this after upgrading.;Any workaround until this is fixed?";
const CLOSE_ISSUE: &str = "Closing as fixed by #{n}. Please reopen if you still see this.;Closing: this is expected behavior, see the docs for the recommended setup.";
const COMMITS: &str = "wip: try rotary embeddings;add training loop for the tiny GPT;fix eval script;update README;bump deps;refactor data loader;\
add wandb logging;tune lr schedule;notebook: attention visualisations;add fp8 matmul benchmark;clean up configs;fix off-by-one in padding";
const FIXUPS: &str = "Address review comments;Fix lint;Add regression test;Apply suggestions from code review;Fix typo";
const DEPS: &str = "jinja2;urllib3;protobuf;pydantic;requests;tqdm;setuptools;numpy";
const STALE: &str = "This issue has been automatically marked as stale because it has not had recent activity. It will be closed in 7 days if no further activity occurs. Thank you for your contributions.";
const VLLM_HI: &str = "👋 Hi! Thank you for contributing to the vLLM project.\n\nJust a reminder: PRs do not trigger a full CI run by default. Instead, only the `fastcheck` CI runs, a small and essential subset of tests to catch errors quickly.\n\n🚀";
const MERGE_STARTED: &str = "### Merge started\nYour change will be merged once all checks pass (ETA 0-4 Hours).\n\nLearn more about merging in the [wiki](https://github.com/pytorch/pytorch/wiki/Bot-commands).\n\nQuestions? Feedback? Please reach out to the [PyTorch DevX Team](https://github.com/pytorch/pytorch/wiki/Dev-Infra-Office-Hours)";
const REPO_URLS: &str = "forks_url=/forks keys_url=/keys{/key_id} collaborators_url=/collaborators{/collaborator} teams_url=/teams hooks_url=/hooks \
issue_events_url=/issues/events{/number} events_url=/events assignees_url=/assignees{/user} branches_url=/branches{/branch} tags_url=/tags \
blobs_url=/git/blobs{/sha} git_tags_url=/git/tags{/sha} git_refs_url=/git/refs{/sha} trees_url=/git/trees{/sha} statuses_url=/statuses/{sha} \
languages_url=/languages stargazers_url=/stargazers contributors_url=/contributors subscribers_url=/subscribers subscription_url=/subscription \
commits_url=/commits{/sha} git_commits_url=/git/commits{/sha} comments_url=/comments{/number} issue_comment_url=/issues/comments{/number} \
contents_url=/contents/{+path} compare_url=/compare/{base}...{head} merges_url=/merges archive_url=/{archive_format}{/ref} downloads_url=/downloads \
issues_url=/issues{/number} pulls_url=/pulls{/number} milestones_url=/milestones{/number} notifications_url=/notifications{?since,all,participating} \
labels_url=/labels{/name} releases_url=/releases{/id} deployments_url=/deployments";
const USER_URLS: &str = "followers_url=/followers following_url=/following{/other_user} gists_url=/gists{/gist_id} starred_url=/starred{/owner}{/repo} \
subscriptions_url=/subscriptions organizations_url=/orgs repos_url=/repos events_url=/events{/privacy} received_events_url=/received_events";

fn list(s: &'static str) -> Vec<&'static str> {
    s.split(';').collect()
}

// ---------------------------------------------------------------- randomness, ids, time

fn mix(z: u64) -> u64 {
    let z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    let z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}
fn h(parts: &[u64]) -> u64 {
    parts.iter().fold(SEED, |a, &p| mix(a ^ p))
}
fn hex40(x: u64) -> String {
    format!(
        "{:016x}{:016x}{:08x}",
        mix(x),
        mix(x ^ 1),
        mix(x ^ 2) as u32
    )
}
struct Rng(u64);
impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0) % n.max(1)
    }
    fn secs(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo) as u64) as i64
    }
    fn pct(&mut self, p: u64) -> bool {
        self.below(100) < p
    }
    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len() as u64) as usize]
    }
    /// Uniform in `[mean/2, 3*mean/2]`.
    fn around(&mut self, mean: u64) -> u64 {
        mean / 2 + self.below(mean + 1)
    }
}
/// Hours since `REF_HOUR`, wrapped so that any date gives a small non-negative slot.
fn rel(src: i64) -> u64 {
    (src - REF_HOUR).rem_euclid(100_000) as u64
}
/// Unique object id: `k` numbers a thread or actor within the hour (< 512), `s` an object in it.
fn oid(base: u64, src: i64, k: u64, s: u64) -> u64 {
    base + (rel(src) * 512 + k) * 32 + s
}
const PR_ID: u64 = 1_900_000_000;
const ISSUE_ID: u64 = 2_600_000_000;
const REVIEW_ID: u64 = 2_300_000_000;
const NOTE_ID: u64 = 1_700_000_000;
const COMMENT_ID: u64 = 2_700_000_000;
const PUSH_ID: u64 = 18_000_000_000;

fn ts(t: i64) -> String {
    let (z, s) = (t.div_euclid(86_400) + 719_468, t.rem_euclid(86_400));
    let (era, doe) = (z.div_euclid(146_097), z.rem_euclid(146_097));
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let (d, m) = (
        doy - (153 * mp + 2) / 5 + 1,
        if mp < 10 { mp + 3 } else { mp - 9 },
    );
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        s / 3600,
        s / 60 % 60,
        s % 60
    )
}
/// GitHub's legacy node id: base64 of `0<len>:<Type><id>`.
fn node(ty: &str, id: u64) -> String {
    const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let bytes = format!("0{}:{ty}{id}", ty.len()).into_bytes();
    let mut out = String::new();
    for c in bytes.chunks(3) {
        let n = c
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            out.push(if i <= c.len() {
                B64[(n >> (18 - 6 * i) & 63) as usize] as char
            } else {
                '='
            });
        }
    }
    out
}

// ---------------------------------------------------------------- ordered JSON

/// A JSON value that keeps keys in insertion order, whatever serde_json's features are.
enum J {
    Null,
    B(bool),
    U(u64),
    S(String),
    A(Vec<J>),
    O(Vec<(&'static str, J)>),
}
macro_rules! o {
    ($($k:literal : $v:expr),* $(,)?) => { J::O(vec![$(($k, J::from($v))),*]) };
}
macro_rules! into_j {
    ($($t:ty => |$x:ident| $e:expr),* $(,)?) => { $(impl From<$t> for J { fn from($x: $t) -> J { $e } })* };
}
into_j! {
    bool => |b| J::B(b), u64 => |n| J::U(n), Vec<J> => |v| J::A(v),
    &str => |s| J::S(s.to_string()), String => |s| J::S(s), &String => |s| J::S(s.clone()),
}
impl<T: Into<J>> From<Option<T>> for J {
    fn from(v: Option<T>) -> J {
        v.map_or(J::Null, Into::into)
    }
}
impl J {
    fn cat(self, more: J) -> J {
        match (self, more) {
            (J::O(mut a), J::O(b)) => {
                a.extend(b);
                J::O(a)
            }
            (a, _) => a,
        }
    }
    fn write(&self, out: &mut String) {
        match self {
            J::Null => out.push_str("null"),
            J::B(b) => out.push_str(if *b { "true" } else { "false" }),
            J::U(n) => write!(out, "{n}").unwrap(),
            J::S(s) => out.push_str(&serde_json::to_string(s).unwrap()),
            J::A(xs) => {
                out.push('[');
                for (i, x) in xs.iter().enumerate() {
                    if i > 0 {
                        out.push(',')
                    }
                    x.write(out);
                }
                out.push(']');
            }
            J::O(kv) => {
                out.push('{');
                for (i, (k, v)) in kv.iter().enumerate() {
                    if i > 0 {
                        out.push(',')
                    }
                    write!(out, "\"{k}\":").unwrap();
                    v.write(out);
                }
                out.push('}');
            }
        }
    }
}
fn urls(base: &str, table: &'static str) -> J {
    J::O(
        table
            .split(' ')
            .map(|kv| kv.split_once('=').unwrap())
            .map(|(k, s)| (k, J::S(format!("{base}{s}"))))
            .collect(),
    )
}
fn href(url: String) -> J {
    o! {"href": url}
}

// ---------------------------------------------------------------- the world

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Maint,
    Contrib,
    Drive,
    Star,
    Push,
    Bot,
    Org,
}
struct Acc {
    id: u64,
    login: String,
    name: String,
    kind: Kind,
    /// GitHub App id of a `[bot]` account (its avatar lives under `/in/`), else 0.
    app: u64,
    own: Vec<usize>,
}
struct Repo {
    id: u64,
    name: String,
    owner: usize,
    spec: Option<usize>,
    lang: &'static str,
    license: &'static str,
    branch: &'static str,
    desc: &'static str,
    fork: bool,
    /// 0 = created when first seen (a stargazer's fork).
    created: i64,
}
struct Spec {
    code: &'static str,
    base: u64,
    rate: u64,
    pkg: &'static str,
    tags: Vec<&'static str>,
    comps: Vec<&'static str>,
    bugs: Vec<&'static str>,
    conds: Vec<&'static str>,
    feats: Vec<&'static str>,
    ops: Vec<&'static str>,
    paths: Vec<&'static str>,
    labels: Vec<&'static str>,
}
/// Repositories `0..specs.len()` are the ML repositories, in `SPECS` order.
struct World {
    acc: Vec<Acc>,
    repos: Vec<Repo>,
    specs: Vec<Spec>,
    /// Per ML repository: maintainers, contributors, drive-by users.
    team: Vec<[Vec<usize>; 3]>,
    forks: HashMap<(usize, usize), usize>,
    dependabot: usize,
    actions: usize,
    pytorchbot: usize,
}

impl World {
    fn new() -> World {
        let mut w = World {
            acc: vec![],
            repos: vec![],
            specs: vec![],
            team: vec![],
            forks: HashMap::new(),
            dependabot: 0,
            actions: 0,
            pytorchbot: 0,
        };
        for (i, line) in SPECS.split('#').enumerate() {
            let f: Vec<&'static str> = line.split('|').collect();
            let (org, name) = f[1].split_once('/').unwrap();
            let owner = w
                .acc
                .iter()
                .position(|a| a.login == org)
                .unwrap_or_else(|| w.account(org, Kind::Org, 950_000_000 + i as u64 * 7_919, 0));
            let r = w.repo(name, owner, f[2], f[3], f[4], f[8], false);
            (w.repos[r].spec, w.repos[r].created) = (
                Some(i),
                1_440_000_000 + (h(&[r as u64]) % 120_000_000) as i64,
            );
            let labels = list(f[16]).into_iter().filter(|l| !l.is_empty()).collect();
            let (tags, comps, bugs, conds, feats, ops, paths) = (
                list(f[9]),
                list(f[10]),
                list(f[11]),
                list(f[12]),
                list(f[13]),
                list(f[14]),
                list(f[15]),
            );
            let (base, rate) = (f[5].parse().unwrap(), f[6].parse().unwrap());
            w.specs.push(Spec {
                code: f[0],
                base,
                rate,
                pkg: f[7],
                tags,
                comps,
                bugs,
                conds,
                feats,
                ops,
                paths,
                labels,
            });
            w.team.push(Default::default());
        }
        let personal: Vec<(&'static str, &'static str)> = PERSONAL
            .split(';')
            .map(|p| p.split_once('=').unwrap())
            .collect();
        let surnames = list(SURNAMES);
        for (i, line) in CAST.split(';').enumerate() {
            let f: Vec<&'static str> = line.split(':').collect();
            let kind = match f[1] {
                "M" => Kind::Maint,
                "C" => Kind::Contrib,
                "D" => Kind::Drive,
                "S" => Kind::Star,
                _ => Kind::Push,
            };
            let p = w.account(f[0], kind, 900_000_000 + i as u64 * 104_729, 0);
            let first = f[0].rsplit('-').next().unwrap();
            w.acc[p].name = format!(
                "{}{} {}",
                first[..1].to_uppercase(),
                &first[1..],
                surnames[i % surnames.len()]
            );
            for code in f[2].split(',').filter(|c| !c.is_empty()) {
                let ri = w.specs.iter().position(|s| s.code == code).unwrap();
                w.team[ri][kind as usize].push(p);
                if kind != Kind::Maint {
                    w.fork(p, ri);
                }
            }
            for k in 0..match kind {
                Kind::Push => 3,
                Kind::Star => 0,
                _ => 1,
            } {
                let (name, desc) = personal[(i * 5 + k * 3) % personal.len()];
                let lang = if name == "dotfiles" {
                    "Shell"
                } else {
                    ["Python", "Jupyter Notebook", "Python", "Cuda"][(i + k) % 4]
                };
                let r = w.repo(name, p, lang, "mit", "main", desc, false);
                w.acc[p].own.push(r);
            }
            for ri in (0..w.specs.len()).filter(|_| kind == Kind::Star) {
                let fork = w.fork(p, ri);
                w.repos[fork].created = 0; // forked in the sample, see singles()
            }
        }
        w.dependabot = w.account("dependabot[bot]", Kind::Bot, 49_699_333, 29_110);
        w.actions = w.account("github-actions[bot]", Kind::Bot, 41_898_282, 15_368);
        w.pytorchbot = w.account("pytorchbot", Kind::Bot, 900_000_000 + 99 * 104_729, 0);
        w
    }
    fn account(&mut self, login: &str, kind: Kind, id: u64, app: u64) -> usize {
        let name = login.to_string();
        self.acc.push(Acc {
            id,
            login: login.into(),
            name,
            kind,
            app,
            own: vec![],
        });
        self.acc.len() - 1
    }
    #[allow(clippy::too_many_arguments)]
    fn repo(
        &mut self,
        name: &str,
        owner: usize,
        lang: &'static str,
        license: &'static str,
        branch: &'static str,
        desc: &'static str,
        fork: bool,
    ) -> usize {
        let n = self.repos.len() as u64;
        let (id, created) = (
            2_900_000_000 + n * 7_919,
            1_580_000_000 + (h(&[n]) % 150_000_000) as i64,
        );
        self.repos.push(Repo {
            id,
            name: name.into(),
            owner,
            spec: None,
            lang,
            license,
            branch,
            desc,
            fork,
            created,
        });
        self.repos.len() - 1
    }
    fn fork(&mut self, owner: usize, upstream: usize) -> usize {
        let u = &self.repos[upstream];
        let (name, lang, license, branch, desc) =
            (u.name.clone(), u.lang, u.license, u.branch, u.desc);
        let fork = self.repo(&name, owner, lang, license, branch, desc, true);
        self.forks.insert((owner, upstream), fork);
        fork
    }
    fn full(&self, ri: usize) -> String {
        format!(
            "{}/{}",
            self.acc[self.repos[ri].owner].login, self.repos[ri].name
        )
    }
    fn api(&self, ri: usize) -> String {
        format!("{API}/repos/{}", self.full(ri))
    }
    fn ty(&self, a: usize) -> &'static str {
        match (self.acc[a].kind, self.acc[a].app) {
            (Kind::Org, _) => "Organization",
            (Kind::Bot, 1..) => "Bot",
            _ => "User",
        }
    }
    fn assoc(&self, a: usize, ri: usize) -> &'static str {
        let in_team = |k: usize| {
            self.repos[ri]
                .spec
                .is_some_and(|s| self.team[s][k].contains(&a))
        };
        if self.repos[ri].owner == a {
            "OWNER"
        } else if in_team(0) {
            "MEMBER"
        } else if in_team(1) || self.acc[a].kind == Kind::Bot {
            "CONTRIBUTOR"
        } else {
            "NONE"
        }
    }
}

// ---------------------------------------------------------------- GitHub objects

fn user(w: &World, a: usize) -> J {
    let acc = &w.acc[a];
    let url = format!(
        "{API}/users/{}",
        acc.login.replace('[', "%5B").replace(']', "%5D")
    );
    let (avatar, html) = match acc.app {
        0 => (
            format!("https://avatars.githubusercontent.com/u/{}?v=4", acc.id),
            format!("{WEB}/{}", acc.login),
        ),
        app => (
            format!("https://avatars.githubusercontent.com/in/{app}?v=4"),
            format!("{WEB}/apps/{}", acc.login.trim_end_matches("[bot]")),
        ),
    };
    o! {"login": &acc.login, "id": acc.id, "node_id": node(w.ty(a), acc.id), "avatar_url": avatar, "gravatar_id": "",
        "url": &url, "html_url": html}
    .cat(urls(&url, USER_URLS))
    .cat(o! {"type": w.ty(a), "site_admin": false})
}
fn actor(w: &World, a: usize) -> J {
    let acc = &w.acc[a];
    o! {"id": acc.id, "login": &acc.login, "display_login": acc.login.trim_end_matches("[bot]"), "gravatar_id": "",
    "url": format!("{API}/users/{}", acc.login), "avatar_url": format!("https://avatars.githubusercontent.com/u/{}?", acc.id)}
}
fn repo_full(w: &World, ri: usize, t: i64) -> J {
    let (r, full, api) = (&w.repos[ri], w.full(ri), w.api(ri));
    let x = h(&[r.id]);
    let (stars, forks, issues) = match r.spec {
        Some(s) => (
            w.specs[s].base / 2 + x % 9_000,
            w.specs[s].base / 8 + x % 900,
            800 + x % 4_000,
        ),
        None => (x % 40, x % 7, x % 5),
    };
    let created = if r.created == 0 { t } else { r.created };
    let (lic_name, spdx, lic_id) = match r.license {
        "mit" => ("MIT License", "MIT", 13),
        "apache-2.0" => ("Apache License 2.0", "Apache-2.0", 2),
        _ => (
            "BSD 3-Clause \"New\" or \"Revised\" License",
            "BSD-3-Clause",
            5,
        ),
    };
    o! {"id": r.id, "node_id": node("Repository", r.id), "name": &r.name, "full_name": &full, "private": false,
        "owner": user(w, r.owner), "html_url": format!("{WEB}/{full}"), "description": r.desc, "fork": r.fork, "url": &api}
    .cat(urls(&api, REPO_URLS))
    .cat(o! {"created_at": ts(created), "updated_at": ts(created.max(t - 3000)), "pushed_at": ts(created.max(t - 60)),
        "git_url": format!("git://github.com/{full}.git"), "clone_url": format!("{WEB}/{full}.git"), "svn_url": format!("{WEB}/{full}"),
        "homepage": J::Null, "size": 900 + x % 400_000, "stargazers_count": stars, "watchers_count": stars, "language": r.lang,
        "has_issues": !r.fork, "has_projects": true, "has_downloads": true, "has_wiki": false, "has_pages": false,
        "forks_count": forks, "mirror_url": J::Null, "archived": false, "disabled": false, "open_issues_count": issues,
        "license": o! {"key": r.license, "name": lic_name, "spdx_id": spdx, "url": format!("{API}/licenses/{}", r.license),
            "node_id": node("License", lic_id)},
        "forks": forks, "open_issues": issues, "watchers": stars, "default_branch": r.branch})
}
fn side(w: &World, ri: usize, branch: &str, sha: &str, t: i64) -> J {
    let owner = w.repos[ri].owner;
    o! {"label": format!("{}:{branch}", w.acc[owner].login), "ref": branch, "sha": sha, "user": user(w, owner), "repo": repo_full(w, ri, t)}
}
fn push(
    w: &World,
    ri: usize,
    push_id: u64,
    git_ref: &str,
    before: String,
    commits: Vec<(String, usize, String)>,
) -> J {
    let api = w.api(ri);
    let (n, head) = (commits.len() as u64, commits.last().map(|c| c.0.clone()));
    let email = |a: usize| format!("{}@example.com", hex40(h(&[w.acc[a].id, 0xe3a1])));
    let commits: Vec<J> = commits.into_iter().map(|(sha, a, message)| o! {"sha": &sha,
        "author": o! {"email": email(a), "name": &w.acc[a].name}, "message": message, "distinct": true, "url": format!("{api}/commits/{sha}")}).collect();
    o! {"repository_id": w.repos[ri].id, "push_id": push_id, "size": n, "distinct_size": n, "ref": git_ref, "head": head,
    "before": before, "commits": commits}
}
fn git_ref(w: &World, ri: usize, name: &str, ref_type: &str, create: bool) -> J {
    let r = &w.repos[ri];
    let j = o! {"ref": name, "ref_type": ref_type};
    let extra = if create {
        o! {"master_branch": r.branch, "description": r.desc, "pusher_type": "user"}
    } else {
        o! {"pusher_type": "user"}
    };
    j.cat(extra)
}
fn hunk(path: &str, line: u64) -> String {
    let (ctx, old, new) = if path.ends_with(".py") || path.ends_with(".rst") {
        (
            "def forward(self, inputs):\n         if inputs is None:\n             return None",
            "        out = self._run(inputs)",
            "        out = self._run(inputs, sync=False)",
        )
    } else {
        (
            "{\n   if (inputs.empty()) {\n     return {};",
            "  auto out = run(inputs);",
            "  auto out = run(inputs, /*sync=*/false);",
        )
    };
    format!("@@ -{a},5 +{a},5 @@ {ctx}\n-{old}\n+{new}", a = line - 3)
}

// ---------------------------------------------------------------- threads: PRs and issues

enum Step {
    /// Create (true) or delete a branch or tag.
    Ref(bool, String, &'static str),
    Push(u64),
    Open,
    Close,
    Review(u64, &'static str, &'static str),
    /// Review comment: review id, comment id, reply-to, index into the repo's paths, body.
    Note(u64, u64, Option<u64>, usize, &'static str),
    Comment(u64, String),
    /// The merger's push of the squashed commit to the base branch.
    Squash,
}
struct Thread {
    uid: u64,
    repo: usize,
    head: usize,
    pr: bool,
    num: u64,
    id: u64,
    iid: u64,
    author: usize,
    title: String,
    body: String,
    labels: Vec<&'static str>,
    branch: String,
    t0: i64,
    close: i64,
    merged_by: Option<usize>,
    size: [u64; 3],
    steps: Vec<(i64, usize, Step)>,
}
impl Thread {
    fn new(src: i64, k: u64, repo: usize, author: usize, t0: i64) -> Thread {
        let uid = oid(0, src, k, 0);
        let (id, iid, close, head) = (PR_ID + uid, ISSUE_ID + uid, i64::MAX, repo);
        let (title, body, branch) = (String::new(), String::new(), String::new());
        let (pr, num, labels, merged_by, size, steps) = (true, 0, vec![], None, [0; 3], vec![]);
        Thread {
            uid,
            repo,
            head,
            pr,
            num,
            id,
            iid,
            author,
            title,
            body,
            labels,
            branch,
            t0,
            close,
            merged_by,
            size,
            steps,
        }
    }
    fn add(&mut self, t: i64, who: usize, step: Step) {
        self.steps.push((t, who, step));
    }
    /// Ids of objects made by a step: unique because the step's index is part of them.
    fn next_id(&self, base: u64) -> u64 {
        base + self.uid + self.steps.len() as u64
    }
    fn review(&mut self, t: i64, who: usize, state: &'static str, body: &'static str) -> u64 {
        let id = self.next_id(REVIEW_ID);
        self.add(t, who, Step::Review(id, state, body));
        id
    }
    fn note(
        &mut self,
        t: i64,
        who: usize,
        review: u64,
        reply: Option<u64>,
        path: usize,
        body: &'static str,
    ) -> u64 {
        let id = self.next_id(NOTE_ID);
        self.add(t, who, Step::Note(review, id, reply, path, body));
        id
    }
    fn comment(&mut self, t: i64, who: usize, body: String) {
        let id = self.next_id(COMMENT_ID);
        self.add(t, who, Step::Comment(id, body));
    }
    fn pushes(&self, t: i64) -> u64 {
        self.steps
            .iter()
            .filter(|s| s.0 <= t && matches!(s.2, Step::Push(_)))
            .count() as u64
    }
    fn sha(&self, k: u64) -> String {
        hex40(h(&[self.id, k]))
    }
    fn count(&self, t: i64, f: fn(&Step) -> u64) -> u64 {
        self.steps
            .iter()
            .filter(|s| s.0 <= t)
            .map(|s| f(&s.2))
            .sum()
    }
}
/// One draw of the words titles and bodies are made of: in a template `{c}` is the component,
/// `{C}` the same with a capital letter; likewise t(ag), b(ug), w(hen), f(eature), o(p), p(ath),
/// k (package), n (an earlier issue number), x (a percentage).
struct Pick {
    n: u64,
    words: Vec<(char, String)>,
}
impl Pick {
    fn new(g: &mut Rng, s: &Spec, num: u64) -> Pick {
        let lists = [
            ('t', &s.tags),
            ('c', &s.comps),
            ('b', &s.bugs),
            ('w', &s.conds),
            ('f', &s.feats),
            ('o', &s.ops),
            ('p', &s.paths),
        ];
        let mut words: Vec<(char, String)> = lists
            .iter()
            .map(|(k, l)| (*k, g.pick(l).to_string()))
            .collect();
        let n = num.saturating_sub(1 + g.below(900));
        words.extend([
            ('k', s.pkg.to_string()),
            ('n', n.to_string()),
            ('x', (5 + g.below(35)).to_string()),
        ]);
        Pick { n, words }
    }
    fn fill(&self, template: &str) -> String {
        self.words.iter().fold(template.to_string(), |s, (k, v)| {
            // Identifiers such as `fp8` or `torch.compile` keep their case.
            let plain = v
                .split(' ')
                .next()
                .unwrap()
                .bytes()
                .all(|b| b.is_ascii_lowercase());
            let cap = if plain {
                v[..1].to_uppercase() + &v[1..]
            } else {
                v.clone()
            };
            s.replace(&format!("{{{k}}}"), v)
                .replace(&format!("{{{}}}", k.to_ascii_uppercase()), &cap)
        })
    }
}
fn slug(s: &str) -> String {
    let words: Vec<String> = s
        .to_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|x| !x.is_empty())
        .take(5)
        .map(String::from)
        .collect();
    words.join("-")
}

/// Every thread that starts in hour `src`, with all its future steps.
fn threads(w: &World, src: i64) -> Vec<Thread> {
    let mut g = Rng(h(&[src as u64, 1]));
    let mut out = vec![];
    for ri in 0..w.specs.len() {
        for j in 0..g.around(w.specs[ri].rate) {
            out.push(pr_thread(w, &mut g, src, ri, j));
        }
        for j in 24..24 + g.around(w.specs[ri].rate / 4 + 1) {
            out.push(issue_thread(w, &mut g, src, ri, j));
        }
    }
    let mut k = 384;
    for (owner, acc) in w
        .acc
        .iter()
        .enumerate()
        .filter(|(_, a)| a.kind == Kind::Push)
    {
        for &ri in &acc.own {
            k += 1;
            if (src + ri as i64).rem_euclid(6) == 0 && g.pct(50) {
                out.push(bump_thread(w, &mut g, src, ri, owner, k));
            }
        }
    }
    for k in 430..430 + g.around(14) {
        out.push(stale_thread(w, &mut g, src, k));
    }
    out
}

fn pr_thread(w: &World, g: &mut Rng, src: i64, ri: usize, j: u64) -> Thread {
    let (sp, [maints, contribs, drives]) = (&w.specs[ri], &w.team[ri]);
    let roll = g.below(100);
    let author = match roll {
        0..5 => w.dependabot,
        5..9 if sp.code == "pt" => w.pytorchbot,
        5..24 => g.pick(maints),
        24..86 => g.pick(contribs),
        _ => g.pick(if drives.is_empty() { contribs } else { drives }),
    };
    let kind = w.acc[author].kind;
    let mut th = Thread::new(
        src,
        ri as u64 * 32 + j,
        ri,
        author,
        src * 3600 + g.secs(0, 3600),
    );
    th.num = sp.base + rel(src) * 32 + j;
    let pick = Pick::new(g, sp, th.num);
    let (v, lib) = (g.below(20), g.pick(&["vision", "audio", "xla"]));
    (th.title, th.body, th.branch) = if author == w.dependabot {
        let dep = g.pick(&list(DEPS));
        let body = format!(
            "Bumps {dep} from 3.{v}.0 to 3.{v}.1.\n\n---\n\nDependabot will resolve any conflicts with this PR as long as you don't alter it yourself."
        );
        (
            format!("Bump {dep} from 3.{v}.0 to 3.{v}.1 in /docs"),
            body,
            format!("dependabot/pip/docs/{dep}-3.{v}.1"),
        )
    } else if author == w.pytorchbot {
        let body = format!(
            "This PR is auto-generated nightly by [this action](https://github.com/pytorch/pytorch/blob/main/.github/workflows/nightly.yml).\nUpdate the pinned {lib} hash."
        );
        (
            format!("[{lib} hash update] update the pinned {lib} hash"),
            body,
            format!("update-{lib}-commit-hash/{}", &th.sha(50)[..10]),
        )
    } else {
        let (title, body) = g.pick(if kind == Kind::Drive {
            &DRIVE_TEXT[..]
        } else {
            &PR_TEXT[..]
        });
        let title = pick.fill(title);
        let branch = match kind {
            Kind::Maint => format!("{}/{}-{}", w.acc[author].login, slug(&title), th.num % 1000),
            Kind::Drive => format!("patch-{}", 1 + th.num % 97),
            _ => format!("{}-{}", slug(&title), th.num % 1000),
        };
        (title, pick.fill(body), branch)
    };
    if matches!(kind, Kind::Contrib | Kind::Drive) {
        th.head = w.forks[&(author, ri)];
    }
    th.size = if kind == Kind::Drive {
        [1 + g.below(6), g.below(4), 1]
    } else {
        [5 + g.below(400), g.below(200), 1 + g.below(12)]
    };
    if g.pct(60) && !sp.labels.is_empty() {
        th.labels.push(g.pick(&sp.labels));
    }
    let (t0, pt) = (th.t0, sp.code == "pt");
    th.add(
        t0 - g.secs(90, 900),
        author,
        Step::Ref(true, th.branch.clone(), "branch"),
    );
    th.add(t0 - g.secs(20, 80), author, Step::Push(1 + g.below(3)));
    th.add(t0, author, Step::Open);
    let tag = format!("ciflow/trunk/{}", th.num);
    if pt {
        th.add(
            t0 + g.secs(30, 600),
            w.pytorchbot,
            Step::Ref(true, tag.clone(), "tag"),
        );
    }
    if sp.code == "vllm" {
        th.comment(t0 + g.secs(5, 60), w.actions, VLLM_HI.into());
    }
    let mut pool: Vec<usize> = maints.iter().copied().filter(|&m| m != author).collect();
    if pool.is_empty() {
        pool = contribs.iter().copied().filter(|&c| c != author).collect();
    }
    let approver = g.pick(&pool);
    let merger = if w.acc[approver].kind == Kind::Maint {
        approver
    } else {
        author
    };
    let merged = g.pct(match kind {
        Kind::Drive => 50,
        Kind::Bot => 80,
        _ => 90,
    });
    let rounds = if matches!(kind, Kind::Drive | Kind::Bot) {
        1
    } else {
        1 + u64::from(g.pct(60))
    };
    let mut t = t0 + g.secs(600, 4 * 3600);
    for round in 1..=rounds {
        let last = round == rounds;
        let (state, bodies) = match (last, merged) {
            (false, _) => g.pick(&[("changes_requested", CHANGES), ("commented", COMMENTED)]),
            (true, true) => ("approved", APPROVED),
            (true, false) => ("commented", COMMENTED),
        };
        let review = th.review(t, approver, state, g.pick(&list(bodies)));
        let mut asked = vec![];
        for _ in 0..if last { g.below(2) } else { 1 + g.below(3) } {
            let path = g.below(sp.paths.len() as u64) as usize;
            asked.push((
                th.note(t, approver, review, None, path, g.pick(&list(NOTES))),
                path,
            ));
        }
        let peer = g.pick(contribs);
        if round == 1 && g.pct(30) && peer != author && peer != approver {
            let tp = t + g.secs(300, 3600);
            let r = th.review(tp, peer, "commented", "");
            th.note(
                tp,
                peer,
                r,
                None,
                g.below(sp.paths.len() as u64) as usize,
                g.pick(&list(NOTES)),
            );
        }
        if !last {
            let mut tr = t + g.secs(600, 7200);
            for (parent, path) in asked {
                if g.pct(60) {
                    let r = th.review(tr, author, "commented", "");
                    th.note(tr, author, r, Some(parent), path, g.pick(&list(REPLIES)));
                    tr += g.secs(20, 240);
                }
            }
            if g.pct(70) {
                th.comment(tr, author, g.pick(&list(ADDRESSED)).into());
            }
            if g.pct(90) {
                th.add(tr + g.secs(30, 300), author, Step::Push(1 + g.below(2)));
            }
            t = tr + g.secs(1200, 3 * 3600);
        }
    }
    let tc = t + g.secs(300, 5400);
    if merged {
        if pt {
            th.comment(tc - g.secs(60, 240), w.pytorchbot, MERGE_STARTED.into());
        }
        th.merged_by = Some(merger);
        th.add(tc, merger, Step::Close);
        th.add(tc, merger, Step::Squash);
        if kind != Kind::Bot {
            th.add(
                tc + g.secs(5, 600),
                author,
                Step::Ref(false, th.branch.clone(), "branch"),
            );
        }
    } else {
        let closer = if kind == Kind::Drive || g.pct(50) {
            merger
        } else {
            author
        };
        th.comment(tc - 20, closer, pick.fill(g.pick(&list(CLOSE_PR))));
        th.add(tc, closer, Step::Close);
    }
    th.close = tc;
    if pt {
        th.add(
            tc + g.secs(30, 300),
            w.pytorchbot,
            Step::Ref(false, tag, "tag"),
        );
    }
    th
}

fn issue_thread(w: &World, g: &mut Rng, src: i64, ri: usize, j: u64) -> Thread {
    let (sp, [maints, contribs, drives]) = (&w.specs[ri], &w.team[ri]);
    let roll = g.below(100);
    let author = if roll < 60 && !drives.is_empty() {
        g.pick(drives)
    } else if roll < 88 {
        g.pick(contribs)
    } else {
        g.pick(maints)
    };
    let mut th = Thread::new(
        src,
        ri as u64 * 32 + j,
        ri,
        author,
        src * 3600 + g.secs(0, 3600),
    );
    th.pr = false;
    th.num = sp.base + rel(src) * 32 + j;
    let pick = Pick::new(g, sp, th.num);
    let (title, body) = g.pick(&ISSUE_TEXT);
    (th.title, th.body) = (pick.fill(title), pick.fill(body));
    if g.pct(30) && !sp.labels.is_empty() {
        th.labels.push(g.pick(&sp.labels));
    }
    let mut t = th.t0;
    th.add(t, author, Step::Open);
    let crowd = if drives.is_empty() { contribs } else { drives };
    for c in 0..g.below(5) {
        t += g.secs(300, 3 * 3600);
        let (who, text) = match c {
            0 => (g.pick(maints), TRIAGE),
            1 => (author, AUTHOR_REPLY),
            _ => (g.pick(crowd), ME_TOO),
        };
        th.comment(t, who, pick.fill(g.pick(&list(text))));
    }
    if g.pct(35) {
        let closer = g.pick(maints);
        t += g.secs(600, 3 * 3600);
        th.comment(t, closer, pick.fill(g.pick(&list(CLOSE_ISSUE))));
        th.close = t + 5;
        th.add(t + 5, closer, Step::Close);
    }
    th
}

/// Dependabot on a push-heavy person's repository; the owner merges most of them.
fn bump_thread(w: &World, g: &mut Rng, src: i64, ri: usize, owner: usize, k: u64) -> Thread {
    let mut th = Thread::new(src, k, ri, w.dependabot, src * 3600 + g.secs(0, 3600));
    let (dep, v, t0) = (g.pick(&list(DEPS)), g.below(20), th.t0);
    th.num = 1 + rel(src) / 6;
    th.title = format!("Bump {dep} from 2.{v}.0 to 2.{v}.1");
    th.body = format!(
        "Bumps {dep} from 2.{v}.0 to 2.{v}.1.\n\n---\n\nDependabot will resolve any conflicts with this PR as long as you don't alter it yourself."
    );
    th.branch = format!("dependabot/pip/{dep}-2.{v}.1");
    th.size = [1, 1, 1];
    th.add(
        t0 - 4,
        w.dependabot,
        Step::Ref(true, th.branch.clone(), "branch"),
    );
    th.add(t0 - 2, w.dependabot, Step::Push(1));
    th.add(t0, w.dependabot, Step::Open);
    th.close = t0 + g.secs(600, 4 * 3600);
    if g.pct(80) {
        th.merged_by = Some(owner);
        th.add(th.close, owner, Step::Squash);
    }
    th.add(th.close, owner, Step::Close);
    th
}

/// `github-actions[bot]` marking an old issue stale; the issue is a function of its number.
fn stale_thread(w: &World, g: &mut Rng, src: i64, k: u64) -> Thread {
    let ri = g.below(w.specs.len() as u64) as usize;
    let (sp, [_, contribs, drives]) = (&w.specs[ri], &w.team[ri]);
    let num = sp.base - 1 - g.below(sp.base / 2);
    let t = src * 3600 + g.secs(0, 3600);
    let mut old = Rng(h(&[ri as u64, num]));
    let author = old.pick(if drives.is_empty() { contribs } else { drives });
    let created = (t / 7_776_000 - 1) * 7_776_000 - old.secs(0, 2_592_000);
    let mut th = Thread::new(src, k, ri, author, created);
    let pick = Pick::new(&mut old, sp, num);
    let (title, body) = old.pick(&ISSUE_TEXT);
    (th.pr, th.num, th.iid, th.title, th.body) = (
        false,
        num,
        ISSUE_ID - 100_000_000 + ri as u64 * 1_000_000 + num % 1_000_000,
        pick.fill(title),
        pick.fill(body),
    );
    th.comment(t, w.actions, STALE.into());
    th
}

// ---------------------------------------------------------------- emitting events

struct Ev {
    t: i64,
    ty: &'static str,
    actor: usize,
    repo: usize,
    payload: J,
}
/// Collects the events of one hour; payloads are only built for events inside it.
struct Em {
    lo: i64,
    evs: Vec<Ev>,
}
impl Em {
    fn at(
        &mut self,
        t: i64,
        ty: &'static str,
        actor: usize,
        repo: usize,
        payload: impl FnOnce() -> J,
    ) {
        if (self.lo..self.lo + 3600).contains(&t) {
            self.evs.push(Ev {
                t,
                ty,
                actor,
                repo,
                payload: payload(),
            });
        }
    }
}
fn envelope(w: &World, id: u64, ev: Ev) -> J {
    let owner = w.repos[ev.repo].owner;
    let j = o! {"id": id.to_string(), "type": ev.ty, "actor": actor(w, ev.actor),
    "repo": o! {"id": w.repos[ev.repo].id, "name": w.full(ev.repo), "url": w.api(ev.repo)},
    "payload": ev.payload, "public": true, "created_at": ts(ev.t)};
    if w.acc[owner].kind != Kind::Org {
        return j;
    }
    let login = &w.acc[owner].login;
    j.cat(o! {"org": o! {"id": w.acc[owner].id, "login": login, "gravatar_id": "", "url": format!("{API}/orgs/{login}"),
        "avatar_url": format!("https://avatars.githubusercontent.com/u/{}?", w.acc[owner].id)}})
}

fn labels(w: &World, th: &Thread) -> J {
    let api = w.api(th.repo);
    J::A(th.labels.iter().map(|&name| {
        let id = 1_000_000_000 + name.bytes().fold(th.repo as u64, |a, b| mix(a ^ u64::from(b))) % 6_000_000_000;
        o! {"id": id, "node_id": node("Label", id), "url": format!("{api}/labels/{}", name.replace(' ', "%20")), "name": name,
            "color": format!("{:06x}", id & 0xff_ffff), "default": false, "description": J::Null}
    }).collect())
}
fn pr_obj(w: &World, th: &Thread, t: i64, full: bool) -> J {
    let (api, web, n) = (
        w.api(th.repo),
        format!("{WEB}/{}/pull/{}", w.full(th.repo), th.num),
        th.num,
    );
    let (closed, head) = (t >= th.close, th.sha(th.pushes(t)));
    let merged = closed && th.merged_by.is_some();
    let j = o! {"url": format!("{api}/pulls/{n}"), "id": th.id, "node_id": node("PullRequest", th.id), "html_url": &web,
    "diff_url": format!("{web}.diff"), "patch_url": format!("{web}.patch"), "issue_url": format!("{api}/issues/{n}"),
    "number": n, "state": if closed { "closed" } else { "open" }, "locked": false, "title": &th.title, "user": user(w, th.author),
    "body": &th.body, "created_at": ts(th.t0), "updated_at": ts(t), "closed_at": closed.then(|| ts(th.close)),
    "merged_at": merged.then(|| ts(th.close)), "merge_commit_sha": (t > th.t0).then(|| th.sha(99)), "assignee": J::Null,
    "assignees": J::A(vec![]), "requested_reviewers": J::A(vec![]), "requested_teams": J::A(vec![]), "labels": labels(w, th),
    "milestone": J::Null, "draft": false, "commits_url": format!("{api}/pulls/{n}/commits"),
    "review_comments_url": format!("{api}/pulls/{n}/comments"), "review_comment_url": format!("{api}/pulls/comments{{/number}}"),
    "comments_url": format!("{api}/issues/{n}/comments"), "statuses_url": format!("{api}/statuses/{head}"),
    "head": side(w, th.head, &th.branch, &head, t), "base": side(w, th.repo, w.repos[th.repo].branch, &th.sha(98), t),
    "_links": o! {"self": href(format!("{api}/pulls/{n}")), "html": href(web.clone()), "issue": href(format!("{api}/issues/{n}")),
        "comments": href(format!("{api}/issues/{n}/comments")), "review_comments": href(format!("{api}/pulls/{n}/comments")),
        "review_comment": href(format!("{api}/pulls/comments{{/number}}")), "commits": href(format!("{api}/pulls/{n}/commits")),
        "statuses": href(format!("{api}/statuses/{head}"))},
    "author_association": w.assoc(th.author, th.repo), "auto_merge": J::Null, "active_lock_reason": J::Null};
    if !full {
        return j;
    }
    let clean = closed && !merged;
    j.cat(o! {"merged": merged, "mergeable": clean.then_some(true), "rebaseable": clean.then_some(true),
        "mergeable_state": if clean { "clean" } else { "unknown" }, "merged_by": th.merged_by.filter(|_| merged).map(|m| user(w, m)),
        "comments": th.count(t, |s| u64::from(matches!(s, Step::Comment(..)))), "review_comments": th.count(t, |s| u64::from(matches!(s, Step::Note(..)))),
        "maintainer_can_modify": th.head != th.repo, "commits": th.count(t, |s| if let Step::Push(n) = s { *n } else { 0 }),
        "additions": th.size[0], "deletions": th.size[1], "changed_files": th.size[2]})
}
fn issue_obj(w: &World, th: &Thread, t: i64) -> J {
    let (api, n, closed) = (w.api(th.repo), th.num, t >= th.close);
    let web = format!(
        "{WEB}/{}/{}/{n}",
        w.full(th.repo),
        if th.pr { "pull" } else { "issues" }
    );
    let j = o! {"url": format!("{api}/issues/{n}"), "repository_url": &api, "labels_url": format!("{api}/issues/{n}/labels{{/name}}"),
    "comments_url": format!("{api}/issues/{n}/comments"), "events_url": format!("{api}/issues/{n}/events"), "html_url": &web,
    "id": th.iid, "node_id": if th.pr { node("PullRequest", th.id) } else { node("Issue", th.iid) }, "number": n, "title": &th.title,
    "user": user(w, th.author), "labels": labels(w, th), "state": if closed { "closed" } else { "open" }, "locked": false,
    "assignee": J::Null, "assignees": J::A(vec![]), "milestone": J::Null, "comments": th.count(t, |s| u64::from(matches!(s, Step::Comment(..)))),
    "created_at": ts(th.t0), "updated_at": ts(t), "closed_at": closed.then(|| ts(th.close)),
    "author_association": w.assoc(th.author, th.repo), "active_lock_reason": J::Null};
    let j = if th.pr {
        j.cat(o! {"pull_request": o! {"url": format!("{api}/pulls/{n}"), "html_url": &web, "diff_url": format!("{web}.diff"), "patch_url": format!("{web}.patch")}})
    } else {
        j
    };
    j.cat(o! {"body": &th.body, "performed_via_github_app": J::Null})
}

fn emit_thread(w: &World, th: &Thread, em: &mut Em) {
    let (api, n) = (w.api(th.repo), th.num);
    let web = format!(
        "{WEB}/{}/{}/{n}",
        w.full(th.repo),
        if th.pr { "pull" } else { "issues" }
    );
    for (i, (t, who, step)) in th.steps.iter().enumerate() {
        let (t, who) = (*t, *who);
        let assoc = w.assoc(who, th.repo);
        match step {
            Step::Ref(create, name, kind) => {
                let ri = if *kind == "tag" { th.repo } else { th.head };
                em.at(t, if *create { "CreateEvent" } else { "DeleteEvent" }, who, ri, || git_ref(w, ri, name, kind, *create));
            }
            Step::Push(c) => em.at(t, "PushEvent", who, th.head, || {
                let k = th.pushes(t);
                let before = if k == 1 { "0".repeat(40) } else { th.sha(k - 1) };
                let fixups = list(FIXUPS);
                let commits = (0..*c).map(|c2| {
                    let sha = if c2 + 1 == *c { th.sha(k) } else { hex40(h(&[th.id, k, c2])) };
                    let msg = if k == 1 && c2 == 0 { th.title.clone() } else { fixups[((k + c2) % 5) as usize].to_string() };
                    (sha, th.author, msg)
                });
                push(w, th.head, PUSH_ID + th.uid + i as u64, &format!("refs/heads/{}", th.branch), before, commits.collect())
            }),
            Step::Squash => em.at(t, "PushEvent", who, th.repo, || {
                let commit = (th.sha(99), th.author, format!("{} (#{n})", th.title));
                let base = w.repos[th.repo].branch;
                push(w, th.repo, PUSH_ID + th.uid + i as u64, &format!("refs/heads/{base}"), th.sha(98), vec![commit])
            }),
            Step::Open | Step::Close => {
                let action = if matches!(step, Step::Open) { "opened" } else { "closed" };
                if th.pr {
                    em.at(t, "PullRequestEvent", who, th.repo, || o! {"action": action, "number": n, "pull_request": pr_obj(w, th, t, true)});
                } else {
                    em.at(t, "IssuesEvent", who, th.repo, || o! {"action": action, "issue": issue_obj(w, th, t)});
                }
            }
            Step::Review(id, state, body) => em.at(t, "PullRequestReviewEvent", who, th.repo, || {
                let review = o! {"id": *id, "node_id": node("PullRequestReview", *id), "user": user(w, who),
                    "body": (!body.is_empty()).then_some(*body), "commit_id": th.sha(th.pushes(t)), "submitted_at": ts(t), "state": *state,
                    "html_url": format!("{web}#pullrequestreview-{id}"), "pull_request_url": format!("{api}/pulls/{n}"), "author_association": assoc,
                    "_links": o! {"html": href(format!("{web}#pullrequestreview-{id}")), "pull_request": href(format!("{api}/pulls/{n}"))}};
                o! {"action": "created", "review": review, "pull_request": pr_obj(w, th, t, false)}
            }),
            Step::Note(review, id, reply, path, body) => em.at(t, "PullRequestReviewCommentEvent", who, th.repo, || {
                let (path, sha) = (w.specs[w.repos[th.repo].spec.unwrap()].paths[*path], th.sha(th.pushes(t)));
                let (line, position) = (20 + reply.unwrap_or(*id) % 400, 4 + reply.unwrap_or(*id) % 3);
                let comment = o! {"url": format!("{api}/pulls/comments/{id}"), "pull_request_review_id": *review, "id": *id,
                    "node_id": node("PullRequestReviewComment", *id), "diff_hunk": hunk(path, line), "path": path, "position": position,
                    "original_position": position, "commit_id": &sha, "original_commit_id": &sha, "user": user(w, who), "body": *body,
                    "created_at": ts(t), "updated_at": ts(t), "html_url": format!("{web}#discussion_r{id}"), "pull_request_url": format!("{api}/pulls/{n}"),
                    "author_association": assoc, "_links": o! {"self": href(format!("{api}/pulls/comments/{id}")),
                        "html": href(format!("{web}#discussion_r{id}")), "pull_request": href(format!("{api}/pulls/{n}"))},
                    "start_line": J::Null, "original_start_line": J::Null, "start_side": J::Null, "line": line, "original_line": line, "side": "RIGHT"};
                let comment = match reply { Some(p) => comment.cat(o! {"in_reply_to_id": *p}), None => comment };
                o! {"action": "created", "comment": comment, "pull_request": pr_obj(w, th, t, false)}
            }),
            Step::Comment(id, body) => em.at(t, "IssueCommentEvent", who, th.repo, || {
                let comment = o! {"url": format!("{api}/issues/comments/{id}"), "html_url": format!("{web}#issuecomment-{id}"),
                    "issue_url": format!("{api}/issues/{n}"), "id": *id, "node_id": node("IssueComment", *id), "user": user(w, who),
                    "created_at": ts(t), "updated_at": ts(t), "author_association": assoc, "body": body, "performed_via_github_app": J::Null};
                o! {"action": "created", "issue": issue_obj(w, th, t), "comment": comment}
            }),
        }
    }
}

/// Events with no past or future: personal pushes, bot pushes, releases, stars, forks.
fn singles(w: &World, src: i64, em: &mut Em) {
    let mut g = Rng(h(&[src as u64, 2]));
    let (hour, msgs) = (src * 3600, list(COMMITS));
    let pid = |k: usize, j: u64| PUSH_ID + 1_000_000_000 + (rel(src) * 512 + k as u64) * 128 + j;
    for (a, acc) in w.acc.iter().enumerate() {
        let rate = match acc.kind {
            Kind::Push => 55,
            Kind::Contrib => 4,
            Kind::Maint | Kind::Drive => 2,
            _ => 0,
        };
        for j in 0..if acc.own.is_empty() {
            0
        } else {
            g.around(rate).min(127)
        } {
            let (t, ri, n) = (hour + g.secs(30, 3600), g.pick(&acc.own), 1 + g.below(4));
            let branch = if g.pct(15) {
                slug(g.pick(&msgs))
            } else {
                "main".to_string()
            };
            if branch != "main" && g.pct(30) {
                em.at(t - 30, "CreateEvent", a, ri, || {
                    git_ref(w, ri, &branch, "branch", true)
                });
            }
            let commits = (0..n)
                .map(|_| (hex40(g.below(u64::MAX)), a, g.pick(&msgs).to_string()))
                .collect();
            let before = hex40(g.below(u64::MAX));
            em.at(t, "PushEvent", a, ri, || {
                push(
                    w,
                    ri,
                    pid(a, j),
                    &format!("refs/heads/{branch}"),
                    before,
                    commits,
                )
            });
        }
    }
    let pt_people = [&w.team[0][0][..], &w.team[0][1][..]].concat();
    for j in 0..g.around(4) {
        let (t, n, pick) = (
            hour + g.secs(0, 3600),
            1 + g.below(5),
            Pick::new(&mut g, &w.specs[0], w.specs[0].base + rel(src) * 32),
        );
        let commits = (0..n)
            .map(|c| {
                (
                    hex40(g.below(u64::MAX)),
                    g.pick(&pt_people),
                    format!("{} (#{})", pick.fill(PR_TEXT[c as usize % 4].0), pick.n + c),
                )
            })
            .collect();
        let (before, branch) = (
            hex40(g.below(u64::MAX)),
            g.pick(&["viable/strict", "nightly"]),
        );
        em.at(t, "PushEvent", w.pytorchbot, 0, || {
            push(
                w,
                0,
                pid(450, j),
                &format!("refs/heads/{branch}"),
                before,
                commits,
            )
        });
    }
    let sites: Vec<usize> = w
        .acc
        .iter()
        .filter(|a| a.kind == Kind::Push)
        .flat_map(|a| a.own.clone())
        .chain([11])
        .collect();
    for j in 0..g.around(30) {
        let (t, ri, sha) = (
            hour + g.secs(0, 3600),
            g.pick(&sites),
            hex40(g.below(u64::MAX)),
        );
        let commits = vec![(sha.clone(), w.actions, format!("deploy: {}", &sha[..7]))];
        let before = hex40(g.below(u64::MAX));
        em.at(t, "PushEvent", w.actions, ri, || {
            push(w, ri, pid(451, j), "refs/heads/gh-pages", before, commits)
        });
    }
    let releases = (0..w.specs.len())
        .filter(|&ri| (src + ri as i64 * 5).rem_euclid(30) == 0)
        .map(|ri| (ri, w.team[ri][0][0], 1 + ri as u64 % 3));
    let personal = w
        .acc
        .iter()
        .enumerate()
        .filter(|(a, acc)| acc.kind == Kind::Push && (src + *a as i64).rem_euclid(10) == 0);
    for (k, (ri, who, major)) in releases
        .chain(personal.map(|(a, acc)| (acc.own[0], a, 0)))
        .enumerate()
    {
        let (t, c) = (hour + g.secs(60, 3600), rel(src) / 30);
        let (tag, id) = (
            format!("v{major}.{}.{}", c / 10 % 20, c % 10),
            oid(150_000_000, src, k as u64, 0),
        );
        let body = match w.repos[ri].spec {
            Some(s) => Pick::new(&mut g, &w.specs[s], 0).fill("## Highlights\n\n- {F}\n- [{t}] {o}\n\n## Bug fixes\n\n- Fixed {b} in {c} when {w}"),
            None => "Bug fixes and a new example notebook.".to_string(),
        };
        em.at(t - 30, "CreateEvent", who, ri, || {
            git_ref(w, ri, &tag, "tag", true)
        });
        em.at(t, "ReleaseEvent", who, ri, || {
            let (api, full, branch) = (w.api(ri), w.full(ri), w.repos[ri].branch);
            o! {"action": "published", "release": o! {"url": format!("{api}/releases/{id}"), "assets_url": format!("{api}/releases/{id}/assets"),
                "upload_url": format!("https://uploads.github.com/repos/{full}/releases/{id}/assets{{?name,label}}"),
                "html_url": format!("{WEB}/{full}/releases/tag/{tag}"), "id": id, "author": user(w, who), "node_id": node("Release", id),
                "tag_name": &tag, "target_commitish": branch, "name": &tag, "draft": false, "prerelease": false, "created_at": ts(t - 40),
                "published_at": ts(t), "assets": J::A(vec![]), "tarball_url": format!("{api}/tarball/{tag}"), "zipball_url": format!("{api}/zipball/{tag}"),
                "body": body, "short_description_html": J::Null, "is_short_description_html_truncated": false}}
        });
    }
    // Stars fall on a fixed hour of a per-person cycle, so nobody stars the same repo twice in a cycle.
    for (a, acc) in w.acc.iter().enumerate() {
        let (cycle, p) = match acc.kind {
            Kind::Star => (48, 100),
            Kind::Drive | Kind::Push => (240, 25),
            Kind::Contrib => (240, 12),
            Kind::Maint => (480, 4),
            _ => continue,
        };
        for (ri, _) in w
            .repos
            .iter()
            .enumerate()
            .filter(|(_, r)| !r.fork && r.owner != a)
        {
            let x = h(&[a as u64, ri as u64, 7]);
            if x % cycle == src.rem_euclid(cycle as i64) as u64 && (x >> 40) % 100 < p {
                em.at(
                    hour + ((x >> 20) % 3600) as i64,
                    "WatchEvent",
                    a,
                    ri,
                    || o! {"action": "started"},
                );
            }
        }
        for ri in (0..w.specs.len()).filter(|_| acc.kind == Kind::Star) {
            let x = h(&[a as u64, ri as u64, 8]);
            if x % 48 == src.rem_euclid(48) as u64 && (x >> 40) & 1 == 0 {
                let (t, fork) = (hour + ((x >> 20) % 3600) as i64, w.forks[&(a, ri)]);
                em.at(
                    t,
                    "ForkEvent",
                    a,
                    ri,
                    || o! {"forkee": repo_full(w, fork, t).cat(o! {"public": true})},
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;
    use std::collections::HashSet;
    use std::io::Read;

    const END: i64 = 1_795_000_000 / 3600 * 3600; // 2026-11-18T11:00Z

    fn temp_dir(tag: &str) -> PathBuf {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        std::env::temp_dir().join(format!(
            "builtby-sample-{tag}-{}-{nanos}",
            std::process::id()
        ))
    }
    fn gunzip(path: &Path) -> String {
        let bytes = std::fs::read(path).unwrap();
        assert_eq!(&bytes[..2], &[0x1f, 0x8b], "{} is not gzip", path.display());
        let (mut one, mut all) = (String::new(), String::new());
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_string(&mut one)
            .unwrap();
        flate2::read::MultiGzDecoder::new(&bytes[..])
            .read_to_string(&mut all)
            .unwrap();
        assert_eq!(one, all, "more than one gzip member");
        all
    }
    /// Calls `f(key, string)` for every string value, with the key it sits under.
    fn strings<'a>(v: &'a Value, key: &'a str, f: &mut impl FnMut(&'a str, &'a str)) {
        match v {
            Value::String(s) => f(key, s),
            Value::Array(xs) => xs.iter().for_each(|x| strings(x, key, f)),
            Value::Object(m) => m.iter().for_each(|(k, x)| strings(x, k, f)),
            _ => {}
        }
    }

    #[test]
    fn sample_has_gh_archive_shape_and_enough_evidence() {
        let dir = temp_dir("shape");
        let paths = write_sample(&dir, END, 2).unwrap();
        let names: Vec<_> = paths
            .iter()
            .map(|p| p.file_name().unwrap().to_str().unwrap().to_string())
            .collect();
        assert_eq!(names, ["2026-11-18-10.json.gz", "2026-11-18-11.json.gz"]);
        let (mut ids, mut last_id, mut seen) = (HashSet::new(), 0u64, HashSet::new());
        let (mut opened_at, mut closed_later) = (HashMap::new(), 0);
        let (mut threads, mut objects) = (HashMap::new(), HashSet::new());
        for (i, path) in paths.iter().enumerate() {
            let text = gunzip(path);
            assert!(text.ends_with('\n') && !text.contains("\n\n"));
            let lines: Vec<&str> = text.lines().collect();
            assert!(
                (1_500..=3_000).contains(&lines.len()),
                "{} events in {}",
                lines.len(),
                names[i]
            );
            let hour = ts(END - 3600 * (1 - i as i64))[..13].to_string();
            for line in lines {
                let e: Value = serde_json::from_str(line).unwrap();
                let (ty, p) = (e["type"].as_str().unwrap(), &e["payload"]);
                assert!(
                    line.starts_with(r#"{"id":""#)
                        && line[..100].contains(&format!(r#""type":"{ty}""#))
                );
                assert!(
                    e["actor"]["login"].is_string()
                        && e["repo"]["name"].as_str().unwrap().contains('/')
                );
                assert_eq!(e["public"], true);
                assert!(
                    e["created_at"].as_str().unwrap().starts_with(&hour),
                    "{line}"
                );
                let id: u64 = e["id"].as_str().unwrap().parse().unwrap();
                assert!(ids.insert(id) && id > last_id);
                last_id = id;
                let pr = &p["pull_request"];
                let kind = match (ty, p["action"].as_str()) {
                    ("PullRequestEvent", Some("closed")) if pr["merged"] == true => {
                        assert!(
                            pr["merged_by"]["login"].is_string()
                                && pr["merged_at"].is_string()
                                && pr["additions"].is_u64()
                        );
                        "merged"
                    }
                    ("IssueCommentEvent", _) if p["issue"]["pull_request"].is_object() => {
                        "pr comment"
                    }
                    _ => ty,
                };
                seen.insert(kind.to_string());
                let key = (
                    e["repo"]["name"].as_str().unwrap().to_string(),
                    pr["number"].as_u64().unwrap_or(0),
                );
                match (ty, p["action"].as_str()) {
                    ("PullRequestEvent", Some("opened")) => _ = opened_at.insert(key, i),
                    ("PullRequestEvent", Some("closed"))
                        if opened_at.get(&key).is_some_and(|&o| o < i) =>
                    {
                        closed_later += 1
                    }
                    _ => {}
                }
                // A PR or issue looks the same in every event; review, comment and push ids are unique.
                for thread in [pr, &p["issue"]].into_iter().filter(|x| x.is_object()) {
                    let name = e["repo"]["name"].as_str().unwrap().to_string();
                    let seen = (
                        thread["title"].clone(),
                        thread["user"]["login"].clone(),
                        thread["created_at"].clone(),
                    );
                    let first = threads
                        .entry((name, thread["number"].as_u64().unwrap()))
                        .or_insert(seen.clone());
                    assert_eq!(*first, seen, "{line}");
                }
                for object in [&p["review"]["id"], &p["comment"]["id"], &p["push_id"]]
                    .into_iter()
                    .filter(|x| x.is_u64())
                {
                    assert!(
                        objects.insert((ty.to_string(), object.as_u64().unwrap())),
                        "duplicate id in {line}"
                    );
                }
                strings(&e, "", &mut |k, s| {
                    if !s.contains('@') {
                        return;
                    }
                    let hashed = s.len() == 52
                        && s.ends_with("@example.com")
                        && s[..40].bytes().all(|b| b.is_ascii_hexdigit());
                    let hunk = k == "diff_hunk"
                        && s.starts_with("@@ -")
                        && !s.replace("@@", "").contains('@');
                    assert!(
                        k == "email" && hashed || hunk,
                        "unexpected @ under {k}: {s}"
                    );
                });
            }
        }
        for kind in [
            "merged",
            "PullRequestReviewEvent",
            "PullRequestReviewCommentEvent",
            "pr comment",
            "IssuesEvent",
            "WatchEvent",
        ] {
            assert!(seen.contains(kind), "no {kind}");
        }
        assert!(
            closed_later > 0,
            "no PR opened in one hour and closed in a later one"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn overlapping_windows_write_identical_hours() {
        let (a, b) = (temp_dir("a"), temp_dir("b"));
        let pa = write_sample(&a, END - 3600, 2).unwrap();
        let pb = write_sample(&b, END, 2).unwrap();
        assert_eq!(pa[1].file_name(), pb[0].file_name());
        assert_eq!(
            std::fs::read(&pa[1]).unwrap(),
            std::fs::read(&pb[0]).unwrap()
        );
        assert!(write_sample(&a, END + 1, 1).is_err());
        assert!(write_sample(&a, END, 0).unwrap().is_empty());
        std::fs::remove_dir_all(&a).unwrap();
        std::fs::remove_dir_all(&b).unwrap();
    }

    #[test]
    fn threads_stay_inside_the_hours_write_sample_scans() {
        let w = World::new();
        for src in END / 3600 - 50..END / 3600 {
            for th in threads(&w, src) {
                for (t, _, _) in &th.steps {
                    assert!(
                        (src - 1) * 3600 <= *t && *t < (src + LAG + 1) * 3600,
                        "{} #{}",
                        th.title,
                        th.num
                    );
                }
                assert!(th.steps.len() < 32 && (th.close == i64::MAX || th.close > th.t0));
            }
        }
    }

    #[test]
    fn cast_and_text_are_consistent() {
        let w = World::new();
        let ids: HashSet<u64> = w.acc.iter().map(|a| a.id).collect();
        assert_eq!(ids.len(), w.acc.len());
        assert!(w.acc.iter().filter(|a| a.kind != Kind::Org).count() >= 60);
        for team in &w.team {
            assert!(
                !team[0].is_empty() && team[1].len() > 1,
                "every repository needs maintainers and contributors"
            );
        }
        assert!(w.specs.iter().all(|s| s.paths.len() > 2
            && s.comps.len() > 2
            && s.feats.len() > 2
            && s.ops.len() > 2));
        for text in [
            NOTES,
            REPLIES,
            CHANGES,
            COMMENTED,
            ADDRESSED,
            CLOSE_PR,
            TRIAGE,
            AUTHOR_REPLY,
            ME_TOO,
            CLOSE_ISSUE,
            COMMITS,
            FIXUPS,
        ] {
            assert!(
                list(text).iter().all(|s| !s.is_empty() && s.trim() == *s),
                "{text}"
            );
        }
        assert_eq!(node("User", 20798510), "MDQ6VXNlcjIwNzk4NTEw");
        assert_eq!(
            node("PullRequest", 691208930),
            "MDExOlB1bGxSZXF1ZXN0NjkxMjA4OTMw"
        );
        assert_eq!(ts(1_626_847_201), "2021-07-21T06:00:01Z");
    }

    #[test]
    fn stargazers_only_star_and_fork() {
        let w = World::new();
        let mut em = Em {
            lo: END,
            evs: vec![],
        };
        for src in END / 3600 - LAG..=END / 3600 + 1 {
            threads(&w, src)
                .iter()
                .for_each(|th| emit_thread(&w, th, &mut em));
        }
        singles(&w, END / 3600, &mut em);
        for ev in &em.evs {
            assert!(
                w.acc[ev.actor].kind != Kind::Star || matches!(ev.ty, "WatchEvent" | "ForkEvent"),
                "{}",
                ev.ty
            );
        }
    }
}
