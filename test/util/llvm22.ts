// rustc nightly prints LLVM 22 IR, which no assembler here reads. These
// rewrites drop or spell in LLVM 19 terms the few newer constructs it uses, so
// that LLVM 19 can judge the input and our output alike (applied to both).
export function toLLVM19(text: string): string {
  return text
    .replace(/captures\([^)]*\) ?/g, '')
    .replace(/nocreateundeforpoison ?/g, '')
    .replace(/icmp samesign /g, 'icmp ')
    .replace(/, errnomem: [a-z]+/g, '')
    .replace(/errnomem: [a-z]+, /g, '')
    .replace(/memory\(errnomem: [a-z]+\)/g, 'memory(inaccessiblemem: readwrite)')
    .replace(/, target_mem[0-9]: [a-z]+/g, '')
    .split('\n')
    .map((line) => line.startsWith('declare')
      ? line.replace(/(@llvm\.lifetime\.(?:start|end)\.p0\()/, '$1i64, ')
      : line.replace(/(@llvm\.lifetime\.(?:start|end)\.p0\()(ptr(?: [^,)]*)?\))/g, '$1i64 -1, $2'))
    .join('\n');
}
