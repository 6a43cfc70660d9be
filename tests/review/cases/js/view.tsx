// React: dangerouslySetInnerHTML with dynamic and constant HTML.
export const Comment = ({ body }: { body: string }) => (
  <div dangerouslySetInnerHTML={{ __html: body }} /> // expect: js.dangerously-set-inner-html
);
export const Banner = () => (
  <div dangerouslySetInnerHTML={{ __html: "<b>hello</b>" }} /> // ok: js.dangerously-set-inner-html
);
export const Clean = ({ body }: { body: string }) => (
  <div dangerouslySetInnerHTML={{ __html: DOMPurify.sanitize(body) }} /> // ok: js.dangerously-set-inner-html
);
