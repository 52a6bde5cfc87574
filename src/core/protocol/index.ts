export * from './chat';
export * from './messages';
export { chatSchema, parseHostMessage, parseWebviewMessage, Parsed } from './validate';
