// Which header words mean what. The parser collects the bare words before a
// return type or after `@g =` in order; these sets sort them into fields.
// Unknown words stay attributes (kept verbatim).

export const LINKAGES = new Set([
  'private', 'internal', 'available_externally', 'linkonce', 'weak', 'common', 'appending',
  'extern_weak', 'linkonce_odr', 'weak_odr', 'external',
]);
export const PREEMPTION = new Set(['dso_local', 'dso_preemptable']);
export const VISIBILITY = new Set(['default', 'hidden', 'protected']);
export const DLL_STORAGE = new Set(['dllimport', 'dllexport']);
const CCONV_EXACT = new Set([
  'ccc', 'fastcc', 'coldcc', 'ghccc', 'webkit_jscc', 'anyregcc', 'preserve_mostcc', 'preserve_allcc',
  'preserve_nonecc', 'swiftcc', 'swifttailcc', 'cxx_fast_tlscc', 'tailcc', 'cfguard_checkcc',
  'x86_stdcallcc', 'x86_fastcallcc', 'x86_thiscallcc', 'x86_vectorcallcc', 'x86_regcallcc', 'x86_intrcc',
  'arm_apcscc', 'arm_aapcscc', 'arm_aapcs_vfpcc', 'aarch64_vector_pcs', 'aarch64_sve_vector_pcs',
  'msp430_intrcc', 'avr_intrcc', 'avr_signalcc', 'ptx_kernel', 'ptx_device', 'spir_kernel', 'spir_func',
  'intel_ocl_bicc', 'x86_64_sysvcc', 'win64cc', 'hhvmcc', 'hhvm_ccc', 'riscv_vector_cc', 'm68k_rtdcc',
  'm68k_intrcc', 'graalcc',
]);
export function isCallingConv(w: string): boolean {
  return CCONV_EXACT.has(w) || w.startsWith('amdgpu_') || w.startsWith('aarch64_sme_');
}

/** Attributes whose parenthesized argument is a type. */
export const TYPE_ATTRS = new Set(['sret', 'byval', 'byref', 'preallocated', 'inalloca', 'elementtype']);
