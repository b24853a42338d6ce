// Keywords the grammar treats structurally, by category. Every other bare word (linkage,
// visibility, attributes, DWARF enums, DIFlags...) is lexed as Word and kept verbatim, so newer
// LLVM spellings never break the parser. grammar/llvm-ir.ebnf documents the productions.

export const KEYWORDS = {
  module: ["source_filename", "target", "datalayout", "triple", "module", "asm", "type", "opaque", "comdat", "global", "constant", "alias", "ifunc", "define", "declare", "attributes", "section", "partition", "align", "gc", "prefix", "prologue", "personality", "addrspace", "thread_local", "unnamed_addr", "local_unnamed_addr", "externally_initialized", "distinct", "uselistorder", "uselistorder_bb", "code_model", "x", "vscale", "cc", "weak", "inrange"],
  types: ["void", "half", "bfloat", "float", "double", "x86_fp80", "fp128", "ppc_fp128", "label", "metadata", "x86_mmx", "x86_amx", "token", "ptr"],
  constants: ["true", "false", "null", "none", "undef", "poison", "zeroinitializer", "splat", "blockaddress", "dso_local_equivalent", "no_cfi", "ptrauth"],
  binary: ["add", "fadd", "sub", "fsub", "mul", "fmul", "udiv", "sdiv", "fdiv", "urem", "srem", "frem", "shl", "lshr", "ashr", "and", "or", "xor"],
  cast: ["trunc", "zext", "sext", "fptrunc", "fpext", "fptoui", "fptosi", "uitofp", "sitofp", "ptrtoint", "inttoptr", "bitcast", "addrspacecast"],
  instructions: ["fneg", "icmp", "fcmp", "phi", "select", "freeze", "call", "invoke", "callbr", "va_arg", "landingpad", "catchpad", "cleanuppad", "catchswitch", "catchret", "cleanupret", "ret", "br", "switch", "indirectbr", "resume", "unreachable", "alloca", "load", "store", "getelementptr", "fence", "cmpxchg", "atomicrmw", "extractvalue", "insertvalue", "extractelement", "insertelement", "shufflevector"],
  flags: ["nuw", "nsw", "exact", "disjoint", "nneg", "samesign", "inbounds", "nusw", "nnan", "ninf", "nsz", "arcp", "contract", "afn", "reassoc", "fast"],
  predicates: ["eq", "ne", "ugt", "uge", "ult", "ule", "sgt", "sge", "slt", "sle", "oeq", "ogt", "oge", "olt", "ole", "one", "ord", "ueq", "une", "uno"],
  memory: ["atomic", "volatile", "syncscope", "unordered", "monotonic", "acquire", "release", "acq_rel", "seq_cst", "inalloca"],
  rmw: ["xchg", "nand", "max", "min", "umax", "umin", "fmax", "fmin", "fmaximum", "fminimum", "uinc_wrap", "udec_wrap", "usub_cond", "usub_sat"],
  calls: ["tail", "musttail", "notail", "to", "unwind", "cleanup", "catch", "filter", "within", "from", "caller"],
} as const;
