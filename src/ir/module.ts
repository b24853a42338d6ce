import { TypeContext } from './types.js';
import type { AttrGroup } from './attributes.js';
import type { Metadata, MetadataDef, NamedMetadata } from './metadata.js';
import type { Alias, AnyGlobal, Function, GlobalVariable, IFunc } from './function.js';

export type PointerDialect = 'typed' | 'opaque';

export interface Comdat {
  name: string;
  kind: string;
}

/** A top-level entity kept as text (`^0 = module: (...)` summaries). */
export interface RawEntity {
  text: string;
  pos: number;
}

export class Module {
  readonly types = new TypeContext();
  dialect: PointerDialect = 'opaque';
  sourceFilename: string | null = null; // raw quoted
  datalayout: string | null = null; // raw quoted
  triple: string | null = null; // raw quoted
  moduleAsm: string[] = []; // raw quoted
  comdats: Comdat[] = [];
  globals: GlobalVariable[] = [];
  functions: Function[] = [];
  aliases: Alias[] = [];
  ifuncs: IFunc[] = [];
  attrGroups = new Map<number, AttrGroup>();
  namedMetadata: NamedMetadata[] = [];
  metadata: MetadataDef[] = [];
  summaries: RawEntity[] = [];
  /** Name of the source the module was read from (for diagnostics). */
  fileName = '<input>';
  private symtab: Map<string, AnyGlobal> | null = null;

  /** Global by name (without `@`); numbered globals are found by their number as a string. */
  getGlobal(name: string): AnyGlobal | undefined {
    if (!this.symtab) {
      this.symtab = new Map();
      for (const list of [this.globals, this.functions, this.aliases, this.ifuncs] as AnyGlobal[][]) {
        for (const g of list) if (g.name !== null) this.symtab.set(g.name, g);
      }
    }
    return this.symtab.get(name);
  }
  getFunction(name: string): Function | undefined {
    const g = this.getGlobal(name);
    return g && g.vk === 'function' ? g : undefined;
  }
  /** Call after adding or renaming globals. */
  invalidateSymbols(): void { this.symtab = null; }

  /** A pointer type for the module's dialect: `ptr` or `pointee*`. */
  ptrTo(pointee: import('./types.js').Type, addrspace = 0): import('./types.js').PointerType {
    return this.dialect === 'opaque' ? this.types.opaquePtr(addrspace) : this.types.typedPtr(pointee, addrspace);
  }
  private mdIndex: Map<number, MetadataDef> | null = null;
  private mdIndexed = 0;
  /** The node `!id` (reading a deferred definition parses it), or undefined. */
  metadataNode(id: number): Metadata | undefined {
    if (!this.mdIndex || this.mdIndexed !== this.metadata.length) {
      this.mdIndex = new Map();
      for (const d of this.metadata) this.mdIndex.set(d.id, d);
      this.mdIndexed = this.metadata.length;
    }
    return this.mdIndex.get(id)?.node;
  }
  nextMetadataId(): number {
    let max = -1;
    for (const m of this.metadata) if (m.id > max) max = m.id;
    return max + 1;
  }
}
