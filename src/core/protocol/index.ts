export * from './chat';
export * from './messages';
export { describeSeam } from './describe';
export { chatSchema, parseHostMessage, parseWebviewMessage, Parsed } from './validate';
