// Types for the parts of webvtt-parser (the W3C validator's parser) that the server uses.
declare module 'webvtt-parser' {
  export interface VttNode {
    type?: string;
    value?: string;
    children?: VttNode[];
  }
  export interface ParsedCue {
    id: string;
    startTime: number;
    endTime: number;
    text: string;
    tree: VttNode;
  }
  export interface ParseResult {
    cues: ParsedCue[];
    errors: Array<{ message: string; line: number; col?: number }>;
  }
  class WebVTTParser {
    /** `entities`: the named character references to decode (the package's html-entities.json for all of them). */
    constructor(entities?: Record<string, string>);
    parse(input: string, mode?: 'subtitles' | 'metadata' | 'chapters'): ParseResult;
  }
  /** The package is CommonJS whose exports Node cannot list for ESM: import the default and destructure. */
  const webvtt: { WebVTTParser: typeof WebVTTParser };
  export default webvtt;
}
declare module 'webvtt-parser/html-entities.json' {
  const entities: Record<string, string>;
  export default entities;
}
