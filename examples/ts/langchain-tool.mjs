// A LangChain tool governed by Faramesh; `http get` is allowed by the default policy.

import { governTool } from '@faramesh/langchain';
import { FarameshClient } from '@faramesh/sdk';
import { tool } from '@langchain/core/tools';
import { z } from 'zod';

const fetchPage = tool(async ({ url }) => `fetched ${url}`, {
  name: 'http',
  description: 'GET a URL',
  schema: z.object({ url: z.string() }),
});
const governed = governTool(fetchPage, { client: new FarameshClient(), agentId: 'example', operation: () => 'get' });
console.log(await governed.invoke({ url: 'https://example.com' }));
