// The entry point VS Code loads: hands the real `vscode` module to the recorder in
// core.ts (which tests drive with a fake instead) and flushes the spool on shutdown.

import * as vscode from 'vscode';

import { activate as startRecording, type Recorder } from './core';

let recorder: Recorder | undefined;

export function activate(context: vscode.ExtensionContext): void {
  recorder = startRecording(vscode, context);
}

export function deactivate(): Promise<void> | undefined {
  const running = recorder;
  recorder = undefined;
  return running?.dispose();
}
