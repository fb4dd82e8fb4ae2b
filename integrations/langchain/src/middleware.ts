// A separate entry point: it needs the `langchain` package, which tool-only users may not install.
export { farameshMiddleware } from './faramesh-middleware.js';
