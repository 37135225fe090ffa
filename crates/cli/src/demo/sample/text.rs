//! The sample's words: repositories, the cast, and what people write in PRs, reviews and issues.

// ---------------------------------------------------------------- text: repositories and cast

/// `code|owner/name|language|license|default branch|first PR number|PRs per hour|package|
/// description|tags|components|bugs|conditions|features|ops|paths|labels`, repos split by `#`.
pub(super) const SPECS: &str = "\
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
pub(super) const CAST: &str = "mlinfra-ana:M:pt,triton;dist-kenji:M:pt,ds;hfmodels-lea:M:hf;jaxcore-ravi:M:jax;serving-mei:M:vllm;\
sklearn-olu:M:sk;agents-dario:M:lc,li;kerasops-ines:M:keras,jax;raycore-tomas:M:ray;lightning-bea:M:pl;\
cuda-kofi:C:pt,triton;fsdp-yara:C:pt,ds;quant-nadia:C:vllm,hf;tpu-tomasz:C:jax;llama-sven:C:hf,vllm;rag-amara:C:li,lc;\
kernels-hiro:C:triton,vllm;estimators-pedro:C:sk;rllib-ivana:C:ray;moe-chen:C:ds,pt;compile-arjun:C:pt,pl;lora-maya:C:hf,pl;\
serve-jonas:C:ray,vllm;specdecode-lin:C:vllm;pallas-noor:C:jax,keras;tokenizer-emil:C:hf;lcel-zoe:C:lc,li;metrics-femi:C:sk,keras;\
notebook-sam:D:hf;gpu-rookie-ali:D:pt;colab-juno:D:hf,lc;kaggle-bo:D:sk;student-rhea:D:pt,jax;infra-oscar:D:vllm,ray;\
prompt-lu:D:lc,li;edge-nico:D:pt,keras;research-tara:D:jax,hf;devrel-kim:D:li,ds;phd-omar:D:pt,ds;bench-ivo:D:vllm,triton,pl;\
awesome-lists-mo:S:;reading-list-pat:S:;stargazer-fei:S:;bookmarks-gus:S:;forks-eli:S:;ml-news-ada:S:;curious-ren:S:;\
lurk-vik:S:;browse-hana:S:;collect-jo:S:;dotfiles-raj:P:;nightly-ben:P:;sandbox-kai:P:;experiments-lena:P:;notebooks-uma:P:;\
hacks-teo:P:;scratch-ola:P:;wip-yuki:P:";
pub(super) const SURNAMES: &str = "Duarte;Mensah;Lindqvist;Okafor;Tanaka;Kowalski;Haddad;Novak;Iyer;Moreau;Costa;Petrov;Achterberg;Sato;Rossi;Nguyen;Fischer";
pub(super) const PERSONAL: &str = "tiny-llm-serve=Minimal LLM serving loop with continuous batching;flash-attn-notes=Notes and toy kernels for FlashAttention;\
rlhf-sandbox=Small-scale RLHF and DPO experiments;kaggle-solutions=My Kaggle competition solutions;triton-playground=Triton kernels for learning;\
paper-repros=Reproductions of ML papers;nanodiffusion=A tiny diffusion model in one file;lora-experiments=LoRA and QLoRA finetuning scripts;\
quant-bench=Benchmarks of int8/fp8 quantization;rag-playground=Retrieval-augmented generation experiments;jax-tutorials=JAX tutorials;\
moe-from-scratch=Mixture-of-experts from scratch;eval-lite=A lightweight LLM eval harness;dotfiles=My dotfiles";

// ---------------------------------------------------------------- text: what people write

pub(super) const PR_TEXT: [(&str, &str); 4] = [
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
pub(super) const DRIVE_TEXT: [(&str, &str); 3] = [
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
pub(super) const ISSUE_TEXT: [(&str, &str); 4] = [
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
pub(super) const NOTES: &str = "Can we avoid the `.item()` call here? It forces a device sync.;nit: please use `assert_close` instead of a hard-coded tolerance.;\
This will break when `world_size == 1`, please guard it.;Could you add a test for the bf16 path?;Why is this needed? I think the default already handles this case.;\
This changes a public signature. Can we keep the old argument with a deprecation warning?;Please move this helper next to the other utilities.";
pub(super) const REPLIES: &str = "Good catch, fixed.;Done.;Added a test in the latest push.;Done, and added a deprecation warning.;Reverted this part, you are right.";
pub(super) const CHANGES: &str = "Thanks for the PR! A few comments inline. The main concern is the extra sync on the hot path.;This needs a test that fails without the fix.;\
Left some comments. Can you also run the benchmark before and after?";
pub(super) const COMMENTED: &str = "Overall direction looks good, some questions inline.;Not sure this is the right layer for the fix, see inline.";
pub(super) const APPROVED: &str = "LGTM, thanks!;Looks good. Thanks for adding the regression test.;;Approving, the CI failures are unrelated (known flaky test).";
pub(super) const ADDRESSED: &str = "Thanks for the review! I addressed all comments in the latest push.;CI is green now, ready for another look.;\
Rebased on main to pick up the fix for the flaky test.";
pub(super) const CLOSE_PR: &str = "Closing in favor of the approach in #{n}.;Thanks for the contribution! This is already handled on main, so I am closing this.;Superseded by #{n}.";
pub(super) const TRIAGE: &str = "Thanks for the report! Could you share a minimal reproducer and your environment?;I can reproduce this on main. Looking into it.;\
This should be fixed by #{n}. Could you try the nightly build?;Marking as a good first issue, contributions welcome.";
pub(super) const AUTHOR_REPLY: &str = "Here is a minimal reproducer, it fails on the second iteration.;Thanks, the nightly fixes it for me.;\
Environment: Ubuntu 22.04, CUDA 12.4, Python 3.11, 8 GPUs.";
pub(super) const ME_TOO: &str = "Same issue here with 8x H100.;+1, also seeing this after upgrading.;Any workaround until this is fixed?";
pub(super) const CLOSE_ISSUE: &str = "Closing as fixed by #{n}. Please reopen if you still see this.;Closing: this is expected behavior, see the docs for the recommended setup.";
pub(super) const COMMITS: &str = "wip: try rotary embeddings;add training loop for the tiny GPT;fix eval script;update README;bump deps;refactor data loader;\
add wandb logging;tune lr schedule;notebook: attention visualisations;add fp8 matmul benchmark;clean up configs;fix off-by-one in padding";
pub(super) const FIXUPS: &str = "Address review comments;Fix lint;Add regression test;Apply suggestions from code review;Fix typo";
pub(super) const DEPS: &str = "jinja2;urllib3;protobuf;pydantic;requests;tqdm;setuptools;numpy";
pub(super) const STALE: &str = "This issue has been automatically marked as stale because it has not had recent activity. It will be closed in 7 days if no further activity occurs. Thank you for your contributions.";
pub(super) const VLLM_HI: &str = "👋 Hi! Thank you for contributing to the vLLM project.\n\nJust a reminder: PRs do not trigger a full CI run by default. Instead, only the `fastcheck` CI runs, a small and essential subset of tests to catch errors quickly.\n\n🚀";
pub(super) const MERGE_STARTED: &str = "### Merge started\nYour change will be merged once all checks pass (ETA 0-4 Hours).\n\nLearn more about merging in the [wiki](https://github.com/pytorch/pytorch/wiki/Bot-commands).\n\nQuestions? Feedback? Please reach out to the [PyTorch DevX Team](https://github.com/pytorch/pytorch/wiki/Dev-Infra-Office-Hours)";
pub(super) const REPO_URLS: &str = "forks_url=/forks keys_url=/keys{/key_id} collaborators_url=/collaborators{/collaborator} teams_url=/teams hooks_url=/hooks \
issue_events_url=/issues/events{/number} events_url=/events assignees_url=/assignees{/user} branches_url=/branches{/branch} tags_url=/tags \
blobs_url=/git/blobs{/sha} git_tags_url=/git/tags{/sha} git_refs_url=/git/refs{/sha} trees_url=/git/trees{/sha} statuses_url=/statuses/{sha} \
languages_url=/languages stargazers_url=/stargazers contributors_url=/contributors subscribers_url=/subscribers subscription_url=/subscription \
commits_url=/commits{/sha} git_commits_url=/git/commits{/sha} comments_url=/comments{/number} issue_comment_url=/issues/comments{/number} \
contents_url=/contents/{+path} compare_url=/compare/{base}...{head} merges_url=/merges archive_url=/{archive_format}{/ref} downloads_url=/downloads \
issues_url=/issues{/number} pulls_url=/pulls{/number} milestones_url=/milestones{/number} notifications_url=/notifications{?since,all,participating} \
labels_url=/labels{/name} releases_url=/releases{/id} deployments_url=/deployments";
pub(super) const USER_URLS: &str = "followers_url=/followers following_url=/following{/other_user} gists_url=/gists{/gist_id} starred_url=/starred{/owner}{/repo} \
subscriptions_url=/subscriptions organizations_url=/orgs repos_url=/repos events_url=/events{/privacy} received_events_url=/received_events";

pub(super) fn list(s: &'static str) -> Vec<&'static str> {
    s.split(';').collect()
}
