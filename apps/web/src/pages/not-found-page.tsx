// Unknown dashboard paths.
import { Link } from "react-router";
import { PageHeader } from "../components/common.tsx";

export function NotFoundPage() {
  return (
    <>
      <PageHeader title="Page not found" />
      <p>
        Nothing lives here. Go back to the <Link to="/dags">DAGs</Link>.
      </p>
    </>
  );
}
